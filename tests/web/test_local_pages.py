"""Each web worker keeps the pages it served last, and serves them only as Redis would."""

from __future__ import annotations

import time

import pytest
from flask import Flask

from portalkit.redis_client import connect
from web.page_data import LIST_GENERATION, WEATHER_GENERATION, PageDataCache
from web.rendered import GENERATIONS_RECHECK_S, PAGE_PREFIX, RenderedPageCache

PAGE = "<p>Trang chủ — Yên Bái</p>".encode()


class Recording:
    """The Redis client, with the keys of every MGET it was asked."""

    def __init__(self, client) -> None:
        self.client = client
        self.mgets: list[tuple[str, ...]] = []

    def mget(self, *keys):
        self.mgets.append(keys)
        return self.client.mget(*keys)

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.fixture
def redis(redis_url):
    client = connect(redis_url)
    yield client
    client.close()


@pytest.fixture
def context():
    with Flask(__name__).test_request_context("/"):
        yield


def pages(client, ttl_s=60, local_bytes=1024 * 1024, recheck_s=GENERATIONS_RECHECK_S):
    cache = RenderedPageCache(PageDataCache(client), ttl_s, local_bytes, recheck_s)
    cache.client = Recording(client)
    return cache


def stored(cache: RenderedPageCache, key: str, page: bytes = PAGE) -> None:
    body, generations, _ = cache.lookup(key)
    assert body is None
    cache.store(key, generations, page)


def test_a_page_kept_in_the_worker_costs_redis_nothing_then_the_generations_only(redis, context):
    cache = pages(redis, recheck_s=3600)  # whatever the machine's speed
    stored(cache, PAGE_PREFIX + "home")
    cache.client.mgets.clear()

    soon = cache.lookup(PAGE_PREFIX + "home").body
    asked_soon = list(cache.client.mgets)
    cache.generations_recheck_s = 0  # the generations read are now too old to trust
    later = cache.lookup(PAGE_PREFIX + "home").body

    assert soon == later == PAGE
    assert asked_soon == []
    assert cache.client.mgets == [(LIST_GENERATION, WEATHER_GENERATION)]


def test_another_worker_reads_the_redis_copy_then_keeps_its_own(redis, context):
    stored(pages(redis), PAGE_PREFIX + "home")
    other = pages(redis)

    assert other.lookup(PAGE_PREFIX + "home")[0] == PAGE
    assert other.client.mgets == [(PAGE_PREFIX + "home", LIST_GENERATION, WEATHER_GENERATION)]
    time.sleep(GENERATIONS_RECHECK_S)
    assert other.lookup(PAGE_PREFIX + "home")[0] == PAGE
    assert other.client.mgets[-1] == (LIST_GENERATION, WEATHER_GENERATION)


@pytest.mark.parametrize("generation", [LIST_GENERATION, WEATHER_GENERATION])
def test_a_changed_generation_is_a_miss_for_the_kept_page_too(redis, context, generation):
    cache = pages(redis)
    stored(cache, PAGE_PREFIX + "home")

    redis.incr(generation)
    time.sleep(GENERATIONS_RECHECK_S)

    assert cache.lookup(PAGE_PREFIX + "home")[0] is None


def test_a_changed_generation_reaches_the_worker_once_its_read_is_a_recheck_old(redis, context):
    cache = pages(redis, recheck_s=3600)  # whatever the machine's speed
    stored(cache, PAGE_PREFIX + "home")
    redis.incr(LIST_GENERATION)

    within = cache.lookup(PAGE_PREFIX + "home")[0]  # the generations read a moment ago
    cache.generations_recheck_s = 0
    after = cache.lookup(PAGE_PREFIX + "home")[0]

    assert (within, after) == (PAGE, None)


def test_a_kept_page_expires_with_its_redis_copy(redis, context):
    cache = pages(redis, ttl_s=1)
    stored(cache, PAGE_PREFIX + "home")
    assert cache.lookup(PAGE_PREFIX + "home")[0] == PAGE

    time.sleep(1.2)

    assert cache.lookup(PAGE_PREFIX + "home")[0] is None
    assert redis.get(PAGE_PREFIX + "home") is None


NEW_PAGE = "<p>Trang chủ — bản mới</p>".encode()


def expired(redis) -> RenderedPageCache:
    """A worker whose copy of the home page has just expired with its Redis copy."""
    cache = pages(redis, ttl_s=1)
    stored(cache, PAGE_PREFIX + "home")
    time.sleep(1.2)
    assert redis.get(PAGE_PREFIX + "home") is None
    return cache


def test_while_one_request_renders_an_expired_page_the_others_get_the_expired_copy(redis, context):
    cache = expired(redis)

    renders = cache.lookup(PAGE_PREFIX + "home")
    meanwhile = [cache.lookup(PAGE_PREFIX + "home")[0] for _ in range(3)]
    cache.store(PAGE_PREFIX + "home", renders.generations, NEW_PAGE)
    cache.rendered(PAGE_PREFIX + "home")
    after = cache.lookup(PAGE_PREFIX + "home")[0]

    assert renders.body is None  # this request renders the page anew
    assert meanwhile == [PAGE, PAGE, PAGE]
    assert after == NEW_PAGE


def test_an_expired_copy_of_old_generations_is_never_served(redis, context):
    cache = expired(redis)
    redis.incr(LIST_GENERATION)
    cache.generations_recheck_s = 0

    renders = cache.lookup(PAGE_PREFIX + "home")
    meanwhile = cache.lookup(PAGE_PREFIX + "home")

    assert renders.body is None and meanwhile.body is None


def test_a_render_that_kept_nothing_lets_the_next_request_render(redis, context):
    cache = expired(redis)

    assert cache.lookup(PAGE_PREFIX + "home").body is None
    cache.rendered(PAGE_PREFIX + "home")  # e.g. a part was missing: the page was not kept

    assert cache.lookup(PAGE_PREFIX + "home").body is None


def test_a_render_that_never_ends_lets_another_render_after_the_grace(redis, context):
    cache = expired(redis)
    assert cache.lookup(PAGE_PREFIX + "home").body is None

    cache.render_grace_s = 0  # the first render began longer ago than the grace

    assert cache.lookup(PAGE_PREFIX + "home").body is None


def test_a_worker_keeps_at_most_its_bytes_the_oldest_page_going_first(redis, context):
    cache = pages(redis, local_bytes=3 * len(PAGE))
    for name in ("a", "b", "c", "d"):
        stored(cache, PAGE_PREFIX + name)
    redis.delete(*(PAGE_PREFIX + name for name in "abcd"))  # only the worker's copies left

    served = {name: cache.lookup(PAGE_PREFIX + name)[0] for name in "abcd"}

    assert served == {"a": None, "b": PAGE, "c": PAGE, "d": PAGE}
