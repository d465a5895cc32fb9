"""Brotli or gzip for pages, feeds, JSON, CSS and JS, as the reader's browser accepts.

flask-compress does the work (brotli through the ``brotli`` package). Its hook runs
after every other one, the page cache's included: the cache keeps the page as rendered
and each reader gets it in their own encoding (``Vary: Accept-Encoding``).
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/problem+json",
    "application/xml",
    "application/rss+xml",
    "image/svg+xml",
]


def init_app(app: Flask) -> None:
    """Called last in the factory, after the page cache registered its hook."""
    app.config.update(
        COMPRESS_MIMETYPES=MIMETYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=512,
        COMPRESS_STREAMS=False,
    )
    compress = Compress()
    compress.init_app(app)
    # Flask runs after_request hooks last-registered first: moved to the front of the
    # list, compression runs after every hook, once the page cache has stored the page.
    hooks = app.after_request_funcs[None]
    hooks.remove(compress.after_request)
    hooks.insert(0, compress.after_request)
