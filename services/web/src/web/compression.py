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

from flask import Flask, Response, g, request
from flask_compress import Compress

from portalkit.answer_cache import AnswerCache
from portalkit.etags import READS, carries_condition

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
    """flask-compress's cache backend: compressed bodies by encoding and page version in
    a per-worker :class:`AnswerCache`. A key without a page version (any other
    response) is neither looked up nor kept."""

    def __init__(self, max_bytes: int = COMPRESSED_PAGE_BYTES) -> None:
        self.bodies = AnswerCache(max_bytes)

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else self.bodies.get(key)

    def set(self, key: str, body: bytes) -> None:
        if not key.endswith(";"):
            self.bodies.put(key, body)


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
        # flask-compress would run werkzeug's make_conditional on every answer (a
        # fifteenth of a page hit); it is run below only for a request that asks.
        COMPRESS_EVALUATE_CONDITIONAL_REQUEST=False,
    )
    compress = Compress()
    compress.init_app(app)
    # Flask runs after_request hooks last-registered first: moved to the front of the
    # list, compression runs after every hook, once the page cache has stored the page.
    hooks = app.after_request_funcs[None]
    hooks.remove(compress.after_request)
    hooks.insert(0, compress.after_request)
    hooks.insert(0, _conditional)


def _conditional(response: Response) -> Response:
    """304 (or 412) for a read that carries a condition the compressed answer meets; run
    after compression, so its validators are the encoded body's (``"etag:br"``)."""
    if request.method not in READS or response.status_code != 200 or response.is_streamed:
        return response
    if not carries_condition(request.environ):
        return response
    return response.make_conditional(request)
