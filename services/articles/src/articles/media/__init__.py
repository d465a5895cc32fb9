"""Photos: uploads, their storage, the renditions the ``articles-worker`` makes, and their
use by articles (see docs/media.md)."""
