"""``/media/<name>``: the sample images shipped with the package.

Image URLs are stored as ``/media/<name>``; the web front proxies ``/media/`` here so
they stay same-origin.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, send_from_directory
from flask.views import MethodView

from articles.errors import NotFound
from portalkit.api import Blueprint

MEDIA_DIR = Path(__file__).resolve().parent.parent / "media"
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,100}\.svg$")

blp = Blueprint("media", __name__, url_prefix="/media", description="Sample images.")


@blp.route("/<string:name>")
class MediaFile(MethodView):
    @blp.response(200, content_type="image/svg+xml", description="an SVG image")
    def get(self, name: str) -> Response:
        """An image file; cached for a day."""
        if not NAME.match(name) or not (MEDIA_DIR / name).is_file():
            raise NotFound(f"no image named {name!r}")
        response = send_from_directory(MEDIA_DIR, name, mimetype="image/svg+xml", max_age=86400)
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
