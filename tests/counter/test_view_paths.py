"""``POST /v1/views`` answers alike whether the WSGI lane answers it or Flask does."""

from __future__ import annotations

import pytest
from counter_kit import BROWSER, requests_reaching_flask

from counter.api import view_lane

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
_PER_REQUEST = {"X-Request-ID"}  # compared with the id each request sent
_METRIC_LINES = (
    "http_requests_total{",
    "counter_views_total{",
    "http_request_duration_seconds_count{",
)


def answers(client, agent: str = BROWSER) -> list[tuple]:
    out = []
    requests = [
        {"json": body, "headers": {"User-Agent": agent, "X-Request-ID": f"req-{n}"}}
        for n, body in enumerate(BODIES)
    ]
    requests.append({"data": b'{"article_id": 7', "content_type": "application/json"})
    requests.append(
        {"data": b'{"article_id": 9}', "content_type": "application/json; charset=utf-8"}
    )
    for request in requests:
        response = client.post("/v1/views", **request)
        body = response.get_json() or {}
        out.append(
            (
                response.status_code,
                response.mimetype,
                {k: v for k, v in body.items() if k != "instance"},
                sorted(name for name, _ in response.headers if name not in _PER_REQUEST),
                response.headers.get("X-Request-ID") == request["headers"]["X-Request-ID"]
                if "headers" in request
                else bool(response.headers.get("X-Request-ID")),
            )
        )
    return out


def metric_lines(client) -> list[str]:
    text = client.get("/metrics").get_data(as_text=True)
    return sorted(line for line in text.splitlines() if line.startswith(_METRIC_LINES))


def forget_views(redis_client) -> None:
    for key in redis_client.scan_iter("counter:*"):
        if not key.endswith(":published"):
            redis_client.delete(key)


@pytest.mark.parametrize("agent", [BROWSER, "Googlebot/2.1 (+http://www.google.com/bot.html)"])
@pytest.mark.parametrize("cors", [(), ("https://baotinh.example",)])
def test_the_lane_and_flask_give_the_same_answers_and_metrics(
    make_app, settings, articles, redis_client, monkeypatch, agent, cors
):
    articles.publish(7)
    lane = make_app(settings, cors_origins=cors).test_client()
    through_lane = answers(lane, agent)
    lane_metrics = metric_lines(lane)

    forget_views(redis_client)
    seen = []
    monkeypatch.setattr(view_lane, "plain_view", lambda data: seen.append(data))
    flask = make_app(settings, cors_origins=cors).test_client()
    through_flask = answers(flask, agent)

    assert seen, "the second app's views went through Flask"
    assert through_flask == through_lane
    assert metric_lines(flask) == lane_metrics
    assert [a[0] for a in through_lane] == [200] * 5 + [422] * 3 + [400, 200]
    assert all(a[4] for a in through_lane), "every answer carries the request's id"
    if cors:
        assert "Vary" in through_lane[0][3]
    if agent == BROWSER:
        assert [a[2]["counted"] for a in through_lane[:5]] == [True, True, False, False, False]
    else:
        assert {a[2]["reason"] for a in through_lane[:5]} == {"crawler"}


def test_the_lane_answers_plain_views_without_flask(client, articles):
    """A plain view never reaches Flask; a body the plain rules refuse does."""
    articles.publish(7)
    reached = requests_reaching_flask(client, "PATH_INFO")
    plain = client.post("/v1/views", json={"article_id": 7}, headers={"User-Agent": BROWSER})
    schema = client.post("/v1/views", json={"article_id": "7"}, headers={"User-Agent": BROWSER})

    assert plain.status_code == 200 and schema.status_code == 422
    assert reached == ["/v1/views"]


def test_a_fault_in_the_lane_is_answered_by_flask_and_counted_once(
    make_app, settings, articles, redis_client
):
    """Over the rate: the lane's script run is the only one (the limit's counter moves once
    a request), and the 429 is the app's problem+json with Retry-After and the request id."""
    articles.publish(7)
    client = make_app(settings, rate_limit_per_min=2).test_client()
    headers = {"User-Agent": BROWSER}

    statuses = [
        client.post("/v1/views", json={"article_id": 7, "visitor_id": f"r{n}"}, headers=headers)
        for n in range(2)
    ]
    limited = client.post(
        "/v1/views", json={"article_id": 7}, headers={**headers, "X-Request-ID": "over-1"}
    )
    [rate_key] = list(redis_client.scan_iter("counter:rate:*"))

    assert [r.status_code for r in statuses] == [200, 200]
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["X-Request-ID"] == "over-1"
    assert redis_client.get(rate_key) == "3"
    text = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/v1/views",method="POST",status="429"} 1.0' in text


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
