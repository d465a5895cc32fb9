"""A cached article copy is never taken for current once an event about it has come."""

from __future__ import annotations

import pytest

from portalkit.redis_client import connect
from web.page_data import PageDataCache, article_generation_key, article_key, invalidate_article


@pytest.fixture
def cache(redis_url):
    client = connect(redis_url)
    client.delete(article_key(7), article_generation_key(7), article_key(8))
    yield PageDataCache(client)
    client.close()


def fetch(cache: PageDataCache, article_id: int, load):
    return cache.fetch_checked(
        article_key(article_id), article_generation_key(article_id), 300, load
    )


def event_about(cache: PageDataCache, article_id: int) -> None:
    pipe = cache.client.pipeline()
    invalidate_article(pipe, article_id)
    pipe.execute()


def test_a_copy_fetched_before_an_edit_and_stored_after_it_is_not_served(cache):
    def load_the_old_version_while_the_edit_lands():
        event_about(cache, 7)  # the web consumer handles the edit mid-fetch
        return {"title": "Tiêu đề cũ"}

    assert fetch(cache, 7, load_the_old_version_while_the_edit_lands) == {"title": "Tiêu đề cũ"}
    assert cache.client.exists(article_key(7)), "the old copy was stored..."

    current = fetch(cache, 7, lambda: {"title": "Tiêu đề mới"})

    assert current == {"title": "Tiêu đề mới"}, "...but not taken for current"
    assert fetch(cache, 7, lambda: pytest.fail("loaded again")) == {"title": "Tiêu đề mới"}


def test_an_event_drops_only_its_own_article(cache):
    fetch(cache, 7, lambda: {"id": 7})
    fetch(cache, 8, lambda: {"id": 8})

    event_about(cache, 7)

    assert fetch(cache, 8, lambda: pytest.fail("8 loaded again")) == {"id": 8}
    assert fetch(cache, 7, lambda: {"id": 7, "v": 2}) == {"id": 7, "v": 2}
    assert 0 < cache.client.ttl(article_generation_key(7)) <= 2 * 86400
