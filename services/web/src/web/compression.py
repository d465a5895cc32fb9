"""Brotli or gzip for pages, feeds, JSON, CSS and JS, as the reader's browser accepts.

flask-compress does the work (brotli through the ``brotli`` package). Its hook runs
after every other one, the page cache's included: the cache keeps the page as rendered
and each reader gets it in their own encoding (``Vary: Accept-Encoding``).

Compressing a page costs several times what serving it from the page cache does (about
1 ms of CPU for 70 KB at brotli 5), so each worker also keeps the compressed bodies of
the cached pages it served (:class:`CompressedPages`): a page is compressed once per
worker, encoding and version, not once per reader.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, g
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


COMPRESSED_PAGE_BYTES = 4 * 1024 * 1024
"""The most compressed page bytes a worker keeps (the least recently served go first)."""
PAGE_VERSION = "web_page_version"
"""``g`` attribute the page cache sets when a response's body is a cached page's, exactly."""


class CompressedPages:
    """Compressed bodies keyed by encoding and page version, bounded in bytes; the
    ``get``/``set`` of flask-compress's cache backend. A key without a page version (any
    other response) is neither looked up nor kept."""

    def __init__(self, max_bytes: int = COMPRESSED_PAGE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if key.endswith(";"):
            return None
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def set(self, key: str, body: bytes) -> None:
        if key.endswith(";") or len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._bodies:
                return
            self._bodies[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, oldest = self._bodies.popitem(last=False)
                self._size -= len(oldest)


def page_version(_request: object) -> str:
    """flask-compress's cache key: the page and its generations, or "" (not kept)."""
    return g.get(PAGE_VERSION, "")


def init_app(app: Flask) -> None:
    """Called last in the factory, after the page cache registered its hook."""
    pages = CompressedPages()
    app.config.update(
        COMPRESS_MIMETYPES=MIMETYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=512,
        COMPRESS_STREAMS=False,
        COMPRESS_CACHE_BACKEND=lambda: pages,
        COMPRESS_CACHE_KEY=page_version,
    )
    compress = Compress()
    compress.init_app(app)
    # Flask runs after_request hooks last-registered first: moved to the front of the
    # list, compression runs after every hook, once the page cache has stored the page.
    hooks = app.after_request_funcs[None]
    hooks.remove(compress.after_request)
    hooks.insert(0, compress.after_request)
