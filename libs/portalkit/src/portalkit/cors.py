"""Cross-origin reads: the public GET routes (``/v1/...``) of an API open to the browsers
of ``CORS_ORIGINS``, with flask-cors; never a write, never credentials."""

from __future__ import annotations

from collections.abc import Collection

from flask import Flask, Response, request
from flask_cors import CORS

READS = ("GET", "HEAD")
PUBLIC_ROUTES = r"/v1/.*"
ALLOWED_HEADERS = ["If-None-Match", "X-Request-ID"]  # never Authorization
EXPOSED_HEADERS = ["ETag", "Link", "X-Total-Count", "X-Request-ID", "Retry-After"]
PREFLIGHT_MAX_AGE_S = 600


def init_cors(app: Flask, origins: Collection[str]) -> None:
    """Answer reads and their preflights from ``origins``; nothing when there are none."""
    if not origins:
        return
    # Registered before flask-cors's hook, so it runs after it and sees its headers.
    app.after_request(_reads_only)
    CORS(
        app,
        resources={PUBLIC_ROUTES: {}},
        origins=list(origins),
        methods=list(READS),
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        supports_credentials=False,
        max_age=PREFLIGHT_MAX_AGE_S,
        send_wildcard=False,
    )


def _reads_only(response: Response) -> Response:
    """Take the CORS headers off anything but a read or a read's preflight, and tell
    caches that public answers differ by ``Origin``."""
    if not request.path.startswith("/v1/"):
        return response
    response.vary.add("Origin")
    method = request.method
    if method == "OPTIONS":
        method = request.headers.get("Access-Control-Request-Method", "").upper()
    if method not in READS:
        for name in list(response.headers.keys()):
            if name.lower().startswith("access-control-"):
                del response.headers[name]
    return response
