"""The worker's jobs: make a photo's renditions; delete files no record names any more.

Both are safe to run twice or to cut short: a file is written whole under a name given
by its content, the record moves from ``processing`` once, and a purge checks again
that no record names the files. They take the photo's lock, so a purge never removes
files that a new upload of the same photo is about to use.
"""

from __future__ import annotations

import logging
import struct

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import select

from articles.media import library, renditions
from articles.media.services import MediaServices
from articles.media.storage import MissingObject
from articles.models import Media

log = logging.getLogger(__name__)


class NotYetCommitted(Exception):
    """The record is not visible yet: the job was queued just before its commit."""


def render(services: MediaServices, media_id: int) -> str:
    """Make and store the renditions of one photo; returns its status afterwards."""
    with services.database.read_session() as session:
        media = session.get(Media, media_id)
        if media is None:
            raise NotYetCommitted(media_id)
        if media.status != "processing":
            return media.status
        sha256 = media.sha256
    log.info("making renditions", extra={"media_id": media_id, "sha256": sha256})
    with services.files_of(sha256):
        try:
            original = services.storage.get(library.original_key(sha256))
            rendered = renditions.render(original, services.settings.media_max_pixels)
        except MissingObject:
            return _fail(services, media_id, "the original file is missing from storage")
        except renditions.UnreadableImage as exc:
            return _fail(services, media_id, str(exc))
        except (MemoryError, ArithmeticError, LookupError, TypeError, struct.error) as exc:
            # A decoder meeting hostile input can fail in ways Pillow does not wrap: the
            # photo fails with the reason; the worker goes on.
            log.exception("decoder error", extra={"media_id": media_id})
            return _fail(services, media_id, f"the image cannot be decoded: {exc!r}")
        except SoftTimeLimitExceeded:
            limit = services.settings.media_job_timeout_s
            return _fail(services, media_id, f"making renditions took longer than {limit} s")
        made = []
        for item in rendered.renditions:
            key = renditions.rendition_key(sha256, item.width, item.extension)
            services.storage.put(key, item.data, item.content_type)
            made.append(
                {
                    "width": item.width,
                    "height": item.height,
                    "format": item.format,
                    "key": key,
                    "bytes": len(item.data),
                }
            )
    with services.database.write_session() as session:
        media = session.scalar(select(Media).where(Media.id == media_id).with_for_update())
        if media is None or media.status != "processing":
            return media.status if media else "deleted"
        library.mark_ready(session, media, rendered.width, rendered.height, made)
    log.info("renditions made", extra={"media_id": media_id, "renditions": len(made)})
    return "ready"


def _fail(services: MediaServices, media_id: int, reason: str) -> str:
    log.warning("photo cannot be processed", extra={"media_id": media_id, "reason": reason})
    with services.database.write_session() as session:
        media = session.scalar(select(Media).where(Media.id == media_id).with_for_update())
        if media is None or media.status != "processing":
            return media.status if media else "deleted"
        library.mark_failed(session, media, reason)
    return "failed"


def purge(services: MediaServices, sha256: str, width: int) -> bool:
    """Delete the original and renditions of ``sha256`` unless a record still names them."""
    with services.files_of(sha256):
        with services.database.read_session() as session:
            if library.shared_sha(session, sha256):
                return False
        widths = sorted(set(renditions.WIDTHS) | set(renditions.widths_for(width)))
        keys = [library.original_key(sha256)] + [
            renditions.rendition_key(sha256, w, ext) for w in widths for ext in renditions.FORMATS
        ]
        for key in keys:
            services.storage.delete(key)
    log.info("photo files deleted", extra={"sha256": sha256})
    return True
