"""Page data (article payloads, lists, weather readings) cached in Redis under ``web:``.

``web.consumer`` drops entries and bumps generations when events say they changed.
Redis is an accelerator here: when it does not answer, pages read the APIs directly.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import g
from prometheus_client import Counter

log = logging.getLogger(__name__)
T = TypeVar("T")

PREFIX = "web:"
LIST_GENERATION = PREFIX + "articles:generation"
# "_" keeps it apart from every place slug (weather_key's namespace, [a-z0-9-]).
WEATHER_GENERATION = PREFIX + "weather:_generation"
DEFAULT_PLACE = "_default"


def article_key(article_id: int) -> str:
    return f"{PREFIX}article:{article_id}"


def article_generation_key(article_id: int) -> str:
    return f"{PREFIX}article:{article_id}:generation"


ARTICLE_GENERATION_KEEP_S = 2 * 86400
"""Longer than any ARTICLE_CACHE_S (at most a day), so a copy never outlives its check."""


def weather_key(place: str | None) -> str:
    return f"{PREFIX}weather:{place or DEFAULT_PLACE}"


def invalidate_article(pipe: redis.client.Pipeline, article_id: int) -> None:
    """Forget an article and every list (lists are keyed by a generation number).

    The article's own generation goes up too: a reader that fetched the article before
    this event and stores it after stores it under the old generation, and nobody takes
    that copy for current (see :meth:`PageDataCache.fetch_checked`).
    """
    generation = article_generation_key(article_id)
    pipe.delete(article_key(article_id))
    pipe.incr(generation)
    pipe.expire(generation, ARTICLE_GENERATION_KEEP_S)
    pipe.incr(LIST_GENERATION)


def invalidate_weather(pipe: redis.client.Pipeline, place: str) -> None:
    """Forget a place's reading, and the default place's, which may be the same place.

    A page shows the default place or the reader's: every rendered page is retired too.
    """
    pipe.delete(weather_key(place), weather_key(None))
    pipe.incr(WEATHER_GENERATION)


def use_list_generation(generation: str) -> None:
    """Build this request's lists at ``generation`` (the one its rendered page is keyed by)."""
    g._web_list_generation = generation


class PageDataCache:
    """JSON values with a TTL; every Redis failure is a cache miss."""

    def __init__(self, client: redis.Redis, lookups: Counter | None = None) -> None:
        self.client = client
        self.lookups = lookups

    def get(self, key: str) -> Any | None:
        try:
            raw = self.client.get(key)
        except redis.RedisError as exc:
            log.warning("page cache unavailable: %s", exc)
            self.count("unavailable")
            return None
        self.count("miss" if raw is None else "hit")
        return None if raw is None else json.loads(raw)

    def count(self, result: str) -> None:
        """One lookup in ``web_cache_lookups_total`` by its result."""
        if self.lookups is not None:
            self.lookups.labels(result).inc()

    def set(self, key: str, value: Any, ttl_s: int) -> None:
        if ttl_s <= 0:
            return
        try:
            self.client.set(key, json.dumps(value, ensure_ascii=False), ex=ttl_s)
        except redis.RedisError as exc:
            log.warning("page cache unavailable: %s", exc)

    def fetch(self, key: str, ttl_s: int, load: Callable[[], T]) -> T:
        """The cached value, or ``load()`` stored for ``ttl_s`` seconds (errors are not cached)."""
        cached = self.get(key)
        if cached is not None:
            return cached
        value = load()
        if value is not None:
            self.set(key, value, ttl_s)
        return value

    def fetch_checked(self, key: str, generation_key: str, ttl_s: int, load: Callable[[], T]) -> T:
        """Like :meth:`fetch`, for a value whose changes bump ``generation_key``.

        The value is stored with the generation read before ``load()`` ran and taken only
        while that generation is still current: an event between the load and the store
        (which deleting the key alone would miss) makes the stored copy a miss.
        """
        try:
            raw, generation = self.client.mget(key, generation_key)
        except redis.RedisError as exc:
            log.warning("page cache unavailable: %s", exc)
            self.count("unavailable")
            return load()
        generation = generation or "0"
        if raw is not None:
            stored = json.loads(raw)
            if isinstance(stored, dict) and stored.get("generation") == generation:
                self.count("hit")
                return stored["value"]
        self.count("miss")
        value = load()
        if value is not None:
            self.set(key, {"generation": generation, "value": value}, ttl_s)
        return value

    def list_key(self, kind: str, params: dict[str, Any]) -> str:
        """A list's key: its parameters and the generation bumped on every article event."""
        try:
            generation = g._web_list_generation  # read already for this request's page
        except (AttributeError, RuntimeError):
            try:
                generation = self.client.get(LIST_GENERATION) or "0"
            except redis.RedisError:
                generation = "x"
        digest = hashlib.sha1(
            json.dumps(params, sort_keys=True).encode(), usedforsecurity=False
        ).hexdigest()[:16]
        return f"{PREFIX}{kind}:{generation}:{digest}"
