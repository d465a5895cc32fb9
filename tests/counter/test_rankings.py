"""Most viewed over calendar days in Asia/Ho_Chi_Minh, moved across midnights by a test clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from counter_kit import view

# Midnight in Hà Nội is 17:00 UTC of the day before.
LAST_MINUTE_OF_25TH = datetime(2026, 11, 25, 16, 59, 59, tzinfo=UTC)
FIRST_MINUTE_OF_26TH = datetime(2026, 11, 25, 17, 0, 0, tzinfo=UTC)


def views_of(client, article_id: int, number: int, tag: str) -> None:
    for n in range(number):
        assert view(client, article_id, visitor_id=f"{tag}-{n}").get_json()["counted"]


def top(client, window: str, limit: int = 10) -> list[tuple[int, int]]:
    response = client.get(f"/v1/top?window={window}&limit={limit}")
    assert response.status_code == 200
    return [(item["article_id"], item["views"]) for item in response.get_json()["items"]]


@pytest.fixture
def fresh_client(make_app, settings):
    """Rankings without the short cache, so each read sees the latest views."""
    return make_app(settings, ranking_cache_s=0).test_client()


def test_the_day_ends_at_midnight_in_ho_chi_minh_city(fresh_client, articles, clock):
    articles.publish(1, 2)
    clock.set(LAST_MINUTE_OF_25TH)
    views_of(fresh_client, 1, 3, "late")

    clock.set(FIRST_MINUTE_OF_26TH)
    views_of(fresh_client, 2, 2, "early")

    assert top(fresh_client, "day") == [(2, 2)]
    assert top(fresh_client, "week") == [(1, 3), (2, 2)]
    assert fresh_client.get("/v1/views/1").get_json()["today"] == 0
    assert fresh_client.get("/v1/views/2").get_json()["today"] == 2
    clock.set(LAST_MINUTE_OF_25TH)
    assert top(fresh_client, "day") == [(1, 3)]


def test_week_is_seven_calendar_days_and_month_thirty(fresh_client, articles, clock):
    articles.publish(1, 2, 3, 4)
    today = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
    for days_ago, article, number in [(0, 1, 1), (6, 2, 2), (7, 3, 3), (29, 3, 1), (30, 4, 5)]:
        clock.set(today)
        clock.advance(days=-days_ago)
        views_of(fresh_client, article, number, f"d{days_ago}")
    clock.set(today)

    assert top(fresh_client, "day") == [(1, 1)]
    assert top(fresh_client, "week") == [(2, 2), (1, 1)]
    assert top(fresh_client, "month") == [(3, 4), (2, 2), (1, 1)]
    assert top(fresh_client, "all") == [(4, 5), (3, 4), (2, 2), (1, 1)]


def test_rankings_are_ordered_and_limited(fresh_client, articles):
    articles.publish(*range(1, 13))
    for article in range(1, 13):
        views_of(fresh_client, article, article, f"a{article}")

    assert top(fresh_client, "day", limit=3) == [(12, 12), (11, 11), (10, 10)]
    assert [a for a, _ in top(fresh_client, "all")] == list(range(12, 2, -1))


def test_rankings_list_only_published_articles(fresh_client, articles):
    articles.publish(1, 2, 3)
    views_of(fresh_client, 1, 5, "a")
    views_of(fresh_client, 2, 3, "b")
    views_of(fresh_client, 3, 1, "c")

    articles.unpublish(1)

    for window in ("day", "week", "month", "all"):
        assert top(fresh_client, window, limit=2) == [(2, 3), (3, 1)]


def test_a_migrated_count_ranks_in_all_time_but_not_in_a_day(fresh_client, articles, auth):
    articles.publish(1, 2)
    fresh_client.put("/v1/views/1", json={"views": 1799}, headers=auth)
    views_of(fresh_client, 2, 2, "b")

    assert top(fresh_client, "all") == [(1, 1799), (2, 2)]
    assert top(fresh_client, "day") == [(2, 2)]


def test_week_and_month_merges_are_cached_briefly(client, articles):
    articles.publish(1, 2)
    views_of(client, 1, 2, "a")
    assert top(client, "week") == [(1, 2)]

    views_of(client, 2, 3, "b")

    assert top(client, "week") == [(1, 2)]  # the merge made a moment ago
    assert top(client, "day") == [(2, 3), (1, 2)]  # a single day set is read directly


def test_a_new_day_starts_a_new_merge(client, articles, clock):
    articles.publish(1, 2)
    views_of(client, 1, 2, "a")
    assert top(client, "week") == [(1, 2)]
    views_of(client, 2, 3, "b")

    clock.advance(days=1)

    assert top(client, "week") == [(2, 3), (1, 2)]


def test_an_empty_ranking_is_an_empty_list(client):
    for window in ("day", "week", "month", "all"):
        assert client.get(f"/v1/top?window={window}").get_json() == {"items": []}
