"""Whole rendered pages for anonymous readers, kept in Redis for ``PAGE_CACHE_S`` seconds.

A page is stored with the list and weather generations it was rendered at and served
only while both are current, so nothing is ever deleted (docs/design-notes.md). Each
worker also keeps the pages it served last (``LOCAL_PAGE_BYTES`` of them), encoded,
until the Redis copy expires, and the generations it read last for
``GENERATIONS_RECHECK_S``: a hit on a kept page within that time asks Redis nothing.
When a busy page expires, one request of the worker renders it anew while the others
are served the expired copy, as long as its generations are current.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import redis
from flask import Flask, Response, current_app, g, request

from portalkit.http import request_cookie
from web import extensions
from web.compression import PAGE_VERSION
from web.fanout import incomplete
from web.i18n import current_language
from web.links import PAGE_PARAMETERS, site_root
from web.page_data import (
    LIST_GENERATION,
    PREFIX,
    WEATHER_GENERATION,
    PageDataCache,
    use_list_generation,
)

log = logging.getLogger(__name__)

PAGE_PREFIX = PREFIX + "page:"
READ_METHODS = ("GET", "HEAD")
LOCAL_PAGE_BYTES = 4 * 1024 * 1024
"""The most page bytes a worker keeps beside Redis' copies (the oldest go first)."""
RENDER_GRACE_S = 10.0
"""How long a worker's expired copy of a page may be served, its generations still
current, while one of its requests renders the page anew: one render per worker when a
busy page expires, not one per waiting reader. Past it, the next request renders."""
GENERATIONS_RECHECK_S = 0.5
"""How long a worker trusts the generations it read last: an article or weather event
reaches the pages at most this much later than the web's consumer records it, and a
busy worker asks Redis for them twice a second instead of on every hit."""


@dataclass(frozen=True)
class LocalPage:
    generations: str
    body: bytes
    until: float  # time.monotonic() when the Redis copy expires
    version: str  # generations and the Redis copy's expiry: names this very body


class Found(NamedTuple):
    """A lookup's answer: the page while current, and the generations now."""

    body: bytes | None
    generations: str | None  # None: Redis did not answer, nothing will be stored
    version: str | None = None  # of the body found: the same for no other body


@dataclass
class Lookup:
    """This request's page cache lookup, for the after_request hook."""

    key: str
    generations: str | None  # None: Redis did not answer, nothing will be stored
    hit: bool
    version: str | None  # of the page served on a hit


class RenderedPageCache:
    """Page bodies in Redis, each stored with the generations it was rendered at and the
    time it expires; the last ones served are also kept in the worker."""

    def __init__(
        self,
        cache: PageDataCache,
        ttl_s: int,
        local_bytes: int = LOCAL_PAGE_BYTES,
        generations_recheck_s: float = GENERATIONS_RECHECK_S,
    ) -> None:
        self.client = cache.client  # the page data's Redis, and its lookup counter
        self.count = cache.count
        self.ttl_s = ttl_s
        self.local_bytes = local_bytes
        self._local: dict[str, LocalPage] = {}
        self._local_size = 0
        self._lock = threading.Lock()
        self.generations_recheck_s = generations_recheck_s
        self.render_grace_s = RENDER_GRACE_S
        self._rendering: dict[str, float] = {}  # key -> monotonic time its render began
        self._read: tuple[float, str, str] | None = None  # (monotonic, lists, generations)

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0

    def lookup(self, key: str) -> Found:
        """The page if still current, and the generations now."""
        local = self._local.get(key)
        expired = None
        if local is not None and local.until <= time.monotonic():
            expired, local = local, None
        try:
            generations = self._recent_generations()
            if generations is not None:  # read less than a recheck ago
                stored = None if local is not None else self.client.get(key)
            elif local is None:
                stored, lists, weather = self.client.mget(key, LIST_GENERATION, WEATHER_GENERATION)
                generations = self._generations(lists, weather)
            else:  # the worker's copy: only the generations are asked
                lists, weather = self.client.mget(LIST_GENERATION, WEATHER_GENERATION)
                generations = self._generations(lists, weather)
            if local is not None:
                if local.generations == generations:
                    self.count("page_hit")
                    return Found(local.body, generations, local.version)
                with self._lock:
                    self._forget(key)
                stored = self.client.get(key)  # another worker may have rendered it anew
        except redis.RedisError as exc:
            log.warning("page cache unavailable: %s", exc)
            self.count("page_unavailable")
            return Found(None, None)
        if stored is not None:
            tag, _, body = stored.partition("\n")
            stored_generations, _, expires = tag.partition(" ")
            if stored_generations == generations:
                self.count("page_hit")
                encoded = body.encode()
                try:
                    expires_at = float(expires)
                except ValueError:  # stored without an expiry: neither kept nor named
                    return Found(encoded, generations)
                self._keep(key, generations, encoded, expires_at)
                return Found(encoded, generations, _version(key, generations, expires_at))
        if (
            expired is not None
            and expired.generations == generations
            and self._another_renders(key)
        ):
            self.count("page_stale")  # another request of this worker renders it anew
            return Found(expired.body, generations, expired.version)
        self.count("page_miss")
        return Found(None, generations)

    def _another_renders(self, key: str) -> bool:
        """Whether another request of this worker is rendering ``key`` anew; if none is
        (or it began ``render_grace_s`` ago), this request is the one that does."""
        now = time.monotonic()
        with self._lock:
            began = self._rendering.get(key)
            if began is not None and now - began < self.render_grace_s:
                return True
            self._rendering[key] = now
            return False

    def rendered(self, key: str) -> None:
        """The request rendering ``key`` is done, whether its page was kept or not."""
        self._rendering.pop(key, None)

    def store(self, key: str, generations: str, body: bytes) -> str | None:
        """Keep ``body``; its version, or None when Redis did not take it."""
        expires_at = time.time() + self.ttl_s
        value = f"{generations} {expires_at:.3f}\n{body.decode()}"
        try:
            self.client.set(key, value, ex=self.ttl_s)
        except redis.RedisError as exc:
            log.warning("page cache unavailable: %s", exc)
            return None
        self._keep(key, generations, body, expires_at)
        return _version(key, generations, expires_at)

    def _generations(self, lists: str | None, weather: str | None) -> str:
        """The generations as just read from Redis, kept for the next requests."""
        lists = lists or "0"
        use_list_generation(lists)
        generations = f"{lists}:{weather or '0'}"
        self._read = (time.monotonic(), lists, generations)
        return generations

    def _recent_generations(self) -> str | None:
        """The generations read less than ``generations_recheck_s`` ago, or None."""
        read = self._read
        if read is None or time.monotonic() - read[0] >= self.generations_recheck_s:
            return None
        use_list_generation(read[1])
        return read[2]

    def _keep(self, key: str, generations: str, body: bytes, expires_at: float) -> None:
        """Keep the page in this worker until its Redis copy expires (a wall-clock time)."""
        left = min(expires_at - time.time(), self.ttl_s)
        if left <= 0 or len(body) > self.local_bytes:
            return
        version = _version(key, generations, expires_at)
        with self._lock:
            self._forget(key)
            self._local[key] = LocalPage(generations, body, time.monotonic() + left, version)
            self._local_size += len(body)
            while self._local_size > self.local_bytes:
                self._forget(next(iter(self._local)))

    def _forget(self, key: str) -> None:
        """Drop the worker's copy of ``key``; called holding the lock."""
        page = self._local.pop(key, None)
        if page is not None:
            self._local_size -= len(page.body)


def _version(key: str, generations: str, expires_at: float) -> str:
    """Names one stored body: its key, its generations and its Redis copy's expiry, as
    stored (to the millisecond)."""
    return f"{key} {generations} {expires_at:.3f}"


def page_key(varies_by: Any) -> str:
    """The key of this request's page; the site's address too, as the canonical link shows it."""
    address = (site_root(), request.root_path, request.path)
    params = [(name, request.args[name]) for name in PAGE_PARAMETERS if name in request.args]
    material = json.dumps([address, current_language(), varies_by, params], ensure_ascii=False)
    return PAGE_PREFIX + hashlib.sha1(material.encode(), usedforsecurity=False).hexdigest()


def cached_page(varies_by: Callable[[], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve a page view from the page cache when it can; ``varies_by`` goes into the key.

    Storing happens in the last ``after_request`` hook (:func:`init_app`), once the
    response is complete: only then is it known whether it sets a cookie.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            pages = extensions.rendered_pages()
            if not pages.enabled or request.method not in READ_METHODS or not anonymous():
                return view(*args, **kwargs)
            key = page_key(varies_by())
            found = pages.lookup(key)
            g._web_page = Lookup(key, found.generations, found.body is not None, found.version)
            if found.body is not None:
                return Response(found.body, mimetype="text/html")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def anonymous() -> bool:
    """No credentials and no Flask session: the page is the same for every such reader."""
    session_cookie = current_app.config["SESSION_COOKIE_NAME"]
    environ = request.environ
    return "HTTP_AUTHORIZATION" not in environ and request_cookie(session_cookie) is None


def storable(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and "Set-Cookie" not in response.headers
        and not response.is_streamed
        and not incomplete()
    )


def init_app(app: Flask, pages: RenderedPageCache) -> None:
    extensions.rendered_pages.init_app(app, pages)

    def _store_page(response: Response) -> Response:
        lookup: Lookup | None = g.pop("_web_page", None)
        if lookup is None:
            return response
        response.headers["X-Cache"] = "HIT" if lookup.hit else "MISS"
        if lookup.generations is None:
            return response
        version = lookup.version
        if not lookup.hit:
            if storable(response):
                version = pages.store(lookup.key, lookup.generations, response.get_data())
            pages.rendered(lookup.key)
        if version is not None:  # the body is exactly that page's: compressed once
            setattr(g, PAGE_VERSION, version)
        return response

    # Flask runs an app's after_request hooks last-registered first: at the front of the
    # list, this one runs after all the others and sees the headers they added.
    app.after_request_funcs.setdefault(None, []).insert(0, _store_page)
