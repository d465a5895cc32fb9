"""Batch ingest for log shippers: up to 1,000 views, counted exactly as one by one."""

from __future__ import annotations

import ipaddress
import random

import pytest
from counter_kit import BROWSER, Articles

from counter.counting import View, ViewCounter

CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def logged_views(number: int, seed: int = 7) -> list[dict]:
    """A day of access-log lines: readers coming back, bots, staff, gone articles."""
    rng = random.Random(seed)
    views = []
    for _ in range(number):
        item = {
            "article_id": rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 7]),
            "client_ip": rng.choice(
                [
                    f"198.51.100.{rng.randint(1, 60)}",
                    f"2001:db8:1::{rng.randint(1, 30):x}",
                    "10.0.0.5",
                ]
            ),
            "user_agent": rng.choice([BROWSER, BROWSER + " Edg/124", CRAWLER, ""]),
        }
        if rng.random() < 0.3:
            item["visitor_id"] = f"cookie-{rng.randint(1, 80)}"
        views.append(item)
    return views


def one_by_one(client, views) -> dict[str, int]:
    tally: dict[str, int] = {}
    for item in views:
        body = {"article_id": item["article_id"]}
        if "visitor_id" in item:
            body["visitor_id"] = item["visitor_id"]
        reply = client.post(
            "/v1/views",
            json=body,
            headers={"User-Agent": item["user_agent"], "X-Forwarded-For": item["client_ip"]},
        ).get_json()
        reason = reply["reason"] or "counted"
        tally[reason] = tally.get(reason, 0) + 1
    return tally


def state(client) -> dict:
    return {
        "counts": client.get("/v1/views?ids=1,2,3,4,5,6,7").get_json()["counts"],
        "unique": [client.get(f"/v1/views/{i}").get_json()["unique_visitors"] for i in range(1, 8)],
        "day": client.get("/v1/top?window=day").get_json()["items"],
        "all": client.get("/v1/top?window=all").get_json()["items"],
    }


@pytest.fixture
def excluding_app(make_app, settings):
    return make_app(settings, count_exclude_ips=(ipaddress.ip_network("10.0.0.0/8"),))


def test_a_batch_counts_what_the_same_views_one_by_one_would(
    excluding_app, settings, redis_client, auth
):
    client = excluding_app.test_client()
    views = logged_views(1000)

    Articles(settings).publish(1, 2, 3, 4, 5)
    Articles(settings).unpublish(5)
    singly = one_by_one(client, views)
    expected = state(client)

    redis_client.flushdb()
    Articles(settings).publish(1, 2, 3, 4, 5)
    Articles(settings).unpublish(5)
    response = client.post("/v1/views/batch", json={"views": views}, headers=auth)

    assert response.status_code == 200
    reply = response.get_json()
    assert reply["received"] == 1000
    assert reply["counted"] == singly.pop("counted")
    assert reply["not_counted"] == singly
    assert set(singly) == {"crawler", "excluded", "not_published", "duplicate"}
    assert state(client) == expected
    # counter_views_total by result: the views one by one, then the batch, the same
    metrics = client.get("/metrics").get_data(as_text=True)
    for result, number in {"counted": reply["counted"], **singly}.items():
        assert f'counter_views_total{{result="{result}"}} {2 * number}.0' in metrics


def test_a_batch_without_user_agent_counts_as_crawlers(client, articles, auth):
    articles.publish(1)

    reply = client.post(
        "/v1/views/batch",
        json={"views": [{"article_id": 1, "client_ip": "198.51.100.1"}]},
        headers=auth,
    ).get_json()

    assert reply == {"received": 1, "counted": 0, "not_counted": {"crawler": 1}}


def test_a_batch_needs_a_token(client, articles):
    articles.publish(1)
    views = [{"article_id": 1, "client_ip": "198.51.100.1", "user_agent": BROWSER}]

    response = client.post("/v1/views/batch", json={"views": views})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/v1/views/1").get_json()["views"] == 0


def test_a_batch_over_1000_views_is_refused_whole(client, articles, auth):
    articles.publish(1)
    views = [
        {"article_id": 1, "client_ip": "198.51.100.1", "user_agent": BROWSER, "visitor_id": f"v{i}"}
        for i in range(1001)
    ]

    response = client.post("/v1/views/batch", json={"views": views}, headers=auth)

    assert response.status_code == 422
    assert "views" in response.get_json()["errors"]
    assert client.get("/v1/views/1").get_json()["views"] == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"article_id": 1, "client_ip": "not-an-address", "user_agent": BROWSER},
        {"article_id": -1, "client_ip": "198.51.100.1", "user_agent": BROWSER},
        {"article_id": "1", "client_ip": "198.51.100.1", "user_agent": BROWSER},
        {"article_id": 1, "user_agent": BROWSER},
        {"article_id": 1, "client_ip": "198.51.100.1", "visitor_id": "x" * 129},
        {"article_id": 1, "client_ip": "198.51.100.1", "user_agent": "x" * 1025},
    ],
)
def test_one_bad_view_refuses_the_batch_and_counts_nothing(client, articles, auth, bad):
    articles.publish(1)
    good = {"article_id": 1, "client_ip": "198.51.100.2", "user_agent": BROWSER}

    response = client.post("/v1/views/batch", json={"views": [good, bad]}, headers=auth)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert client.get("/v1/views/1").get_json()["views"] == 0


def test_a_batch_body_may_be_large_but_not_over_its_limit(client, articles, auth):
    articles.publish(1)
    long_agent = BROWSER + " " + "x" * 900
    views = [
        {
            "article_id": 1,
            "client_ip": "198.51.100.1",
            "user_agent": long_agent,
            "visitor_id": f"v{i}",
        }
        for i in range(1000)
    ]

    accepted = client.post("/v1/views/batch", json={"views": views}, headers=auth)
    too_big = client.post(
        "/v1/views/batch",
        data=b'{"views": [' + b" " * (2 * 1024 * 1024) + b"]}",
        content_type="application/json",
        headers=auth,
    )

    assert accepted.status_code == 200
    assert accepted.get_json()["counted"] == 1000
    assert too_big.status_code == 413
    assert too_big.mimetype == "application/problem+json"


def test_each_view_of_a_batch_answers_its_articles_total_just_after_it(
    settings, redis_client, clock
):
    Articles(settings).publish(1, 2)
    counter = ViewCounter(redis_client, settings, clock)
    reader = ipaddress.ip_address("198.51.100.7")
    views = [
        View(1, reader, BROWSER, "a"),
        View(2, reader, BROWSER, "a"),
        View(1, reader, BROWSER, "a"),  # the same visitor again
        View(1, reader, BROWSER, "b"),
        View(3, reader, BROWSER, "a"),  # never published
        View(2, reader, CRAWLER, "c"),
        View(1, reader, BROWSER, "c"),
    ]

    outcomes = counter.record(views)

    assert [(o.article_id, o.views, o.reason) for o in outcomes] == [
        (1, 1, None),
        (2, 1, None),
        (1, 1, "duplicate"),
        (1, 2, None),
        (3, 0, "not_published"),
        (2, 1, "crawler"),
        (1, 3, None),
    ]
    assert counter.count(1) == {"article_id": 1, "views": 3, "unique_visitors": 3, "today": 3}
    assert counter.top("all", 10) == [{"article_id": 1, "views": 3}, {"article_id": 2, "views": 1}]


def test_a_batch_writes_what_an_article_gained_once(settings, redis_client, clock):
    Articles(settings).publish(1, 2)
    counter = ViewCounter(redis_client, settings, clock)
    views = [View(1 + n % 2, ipaddress.ip_address(f"198.51.100.{n}"), BROWSER) for n in range(200)]
    counter.record([View(1, None, BROWSER, "warm-up")])
    redis_client.config_resetstat()

    assert all(outcome.counted for outcome in counter.record(views))

    calls = {
        name.removeprefix("cmdstat_"): row["calls"]
        for name, row in redis_client.info("commandstats").items()
    }
    assert calls["set"] == 200  # each visitor's dedupe key
    assert calls["incrby"] == 2
    assert calls["pfadd"] == 2
    assert calls["zincrby"] == 4  # the day's and the all-time ranking
    assert counter.count(1)["views"] == 101
    assert counter.count(2)["unique_visitors"] == 100
