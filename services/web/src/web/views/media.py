"""Article images, proxied from the articles service so the pages stay same-origin."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from portalkit.http_client import relayed
from web.extensions import api_client

bp = Blueprint("media", __name__)

PASSED_ON = ("If-None-Match", "If-Modified-Since")
PASSED_BACK = ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control")


@bp.get("/media/<path:name>")
def media(name: str) -> Response:
    if ".." in name.split("/"):
        abort(404)
    apis = api_client()
    headers = {key: request.headers[key] for key in PASSED_ON if key in request.headers}
    upstream = apis.media(name, headers)
    if upstream.status_code not in (200, 304):
        upstream.close()
        abort(404 if upstream.status_code < 500 else 503)
    response = relayed(upstream, PASSED_BACK)
    response.headers.setdefault("Cache-Control", "public, max-age=86400")
    return response
