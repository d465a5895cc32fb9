"""``/media/...``: the renditions of uploaded photos and the sample images shipped with
the package.

The web front proxies ``/media/`` here so pages stay same-origin; in Compose the gateway
serves renditions straight from the media volume and only the samples reach this route.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, request, send_from_directory
from flask.views import MethodView

from articles.errors import NotFound
from articles.media.renditions import FORMATS
from articles.media.services import media_services
from articles.media.storage import PUBLIC, MissingObject
from portalkit.api import Blueprint

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "media_samples"
SAMPLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,100}\.svg$")
RENDITION = re.compile(r"^r[0-9]+/[0-9a-f]{2}/[0-9a-f]{64}-[0-9]{1,5}\.(webp|jpg)$")
IMMUTABLE = "public, max-age=31536000, immutable"

blp = Blueprint("media_files", __name__, url_prefix="/media", description="Image files.")


def _sample(name: str) -> Response:
    if not (SAMPLES_DIR / name).is_file():
        raise NotFound(f"no image named {name!r}")
    response = send_from_directory(SAMPLES_DIR, name, mimetype="image/svg+xml", max_age=86400)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _rendition(name: str, extension: str) -> Response:
    tag = name.rsplit("/", 1)[-1]
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        try:
            chunks, size = media_services().storage.stream(PUBLIC + name)
        except MissingObject:
            raise NotFound(f"no image named {name!r}") from None
        response = Response(chunks, mimetype=FORMATS[extension][1])
        response.content_length = size
    response.set_etag(tag)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@blp.route("/<path:name>")
class MediaFile(MethodView):
    @blp.response(200, content_type="image/*", description="an image")
    def get(self, name: str) -> Response:
        """A photo rendition (cached for a year: its name changes with its content) or a
        sample SVG (cached for a day)."""
        match = RENDITION.match(name)
        if match:
            response = _rendition(name, match.group(1))
        elif SAMPLE.match(name):
            response = _sample(name)
        else:
            raise NotFound(f"no image named {name!r}")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
