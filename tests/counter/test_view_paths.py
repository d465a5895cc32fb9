"""``POST /v1/views`` answers alike whether a body takes the fast path or the schema's."""

from __future__ import annotations

import pytest
from counter_kit import BROWSER

from counter.api import resources

BODIES = [
    {"article_id": 7},
    {"article_id": 7, "visitor_id": "reader-1"},
    {"article_id": 7, "visitor_id": "reader-1"},  # a repeat: not counted
    {"article_id": 7, "visitor_id": None},  # the same anonymous reader as the first
    {"article_id": 8, "visitor_id": "reader-2"},  # not published
    {"article_id": "7"},
    {"article_id": 7, "extra": True},
    [7],
]


def answers(client, agent: str = BROWSER) -> list[tuple[int, str, dict]]:
    out = []
    for body in BODIES:
        response = client.post("/v1/views", json=body, headers={"User-Agent": agent})
        out.append((response.status_code, response.mimetype, response.get_json()))
    out.append(
        (lambda r: (r.status_code, r.mimetype, r.get_json()))(
            client.post("/v1/views", data=b'{"article_id": 7', content_type="application/json")
        )
    )
    return out


@pytest.mark.parametrize("agent", [BROWSER, "Googlebot/2.1 (+http://www.google.com/bot.html)"])
def test_the_fast_path_and_the_schema_path_give_the_same_answers(
    make_app, settings, articles, redis_client, monkeypatch, agent
):
    articles.publish(7)
    fast = answers(make_app(settings).test_client(), agent)

    for key in redis_client.scan_iter("counter:article:7:*"):
        if not key.endswith(":published"):
            redis_client.delete(key)
    calls = []
    monkeypatch.setattr(resources, "load_plain", lambda rules, item: calls.append(item))
    slow = answers(make_app(settings).test_client(), agent)

    assert calls, "the second run went through the schema"
    assert [a[:2] for a in slow] == [a[:2] for a in fast]
    strip = lambda a: {k: v for k, v in (a[2] or {}).items() if k != "instance"}  # noqa: E731
    assert [strip(a) for a in slow] == [strip(a) for a in fast]
    assert [a[0] for a in fast][:5] == [200, 200, 200, 200, 200]
    if agent == BROWSER:
        assert [a[2]["counted"] for a in fast[:5]] == [True, True, False, False, False]


def test_counting_goes_on_after_redis_forgets_the_script(client, articles, redis_client):
    """A restarted Redis has no scripts: the first view loads it again and is counted."""
    articles.publish(7)
    first = client.post("/v1/views", json={"article_id": 7}, headers={"User-Agent": BROWSER})
    redis_client.script_flush()

    second = client.post(
        "/v1/views", json={"article_id": 7, "visitor_id": "r"}, headers={"User-Agent": BROWSER}
    )

    assert first.get_json()["counted"] is True
    assert second.status_code == 200
    assert second.get_json() == {"article_id": 7, "views": 2, "counted": True, "reason": None}
