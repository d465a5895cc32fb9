"""``GET /v1/views?ids=`` answers alike whether the WSGI lane answers it or Flask does."""

from __future__ import annotations

import pytest
import redis
from counter_kit import requests_reaching_flask, view

from counter.api import view_lane

MANY = ",".join(str(n) for n in range(1, 201))
QUERIES = [
    "ids=42,43",
    "ids=43,42,42",  # a repeat answers once
    "ids=7",  # never counted: 0
    "ids=" + MANY,  # the most allowed
    "ids=" + MANY + ",201",  # one too many: 422
    "ids=0",
    "ids=042",  # the schema reads it; the lane leaves it to the schema
    "ids=a",
    "ids=",
    "",
    "ids=42&ids=43",
    "ids=42%2C43",
    "ids=9007199254740992",  # past the largest id
]
_PER_REQUEST = {"X-Request-ID"}  # compared with the id each request sent
_METRIC_LINES = ("http_requests_total{", "http_request_duration_seconds_count{")


def answers(client, headers: dict[str, str] | None = None) -> list[tuple]:
    out = []
    for n, query in enumerate(QUERIES):
        sent = {**(headers or {}), "X-Request-ID": f"req-{n}"}
        response = client.get(f"/v1/views?{query}", headers=sent)
        body = response.get_json() or {}
        out.append(
            (
                response.status_code,
                response.mimetype,
                response.data if response.status_code == 200 else "",
                {k: v for k, v in body.items() if k != "instance"},
                sorted((k, v) for k, v in response.headers if k not in _PER_REQUEST),
                response.headers.get("X-Request-ID") == sent["X-Request-ID"],
            )
        )
    return out


def metric_lines(client) -> list[str]:
    text = client.get("/metrics").get_data(as_text=True)
    return sorted(
        line
        for line in text.splitlines()
        if line.startswith(_METRIC_LINES) and 'endpoint="/v1/views"' in line
    )


def add_views(client) -> None:
    view(client, 42, visitor_id="reader-1")
    view(client, 42, visitor_id="reader-2")
    view(client, 43, visitor_id="reader-1")


def through_flask_only(monkeypatch) -> list[str]:
    """Make every later counts query go on to Flask; returns the queries that did."""
    seen: list[str] = []

    def refuse(query: str) -> None:
        seen.append(query)

    monkeypatch.setattr(view_lane, "plain_ids", refuse)
    return seen


@pytest.mark.parametrize(
    ("cors", "headers"),
    [
        ((), {}),
        (("https://baotinh.example",), {}),
        (("https://baotinh.example",), {"Origin": "https://baotinh.example"}),
        ((), {"If-None-Match": '"not-the-etag"'}),
    ],
)
def test_the_lane_and_flask_give_the_same_answers_and_metrics(
    make_app, settings, articles, monkeypatch, cors, headers
):
    articles.publish(42, 43)
    lane = make_app(settings, cors_origins=cors).test_client()
    add_views(lane)
    through_lane = answers(lane, headers)
    lane_metrics = metric_lines(lane)

    seen = through_flask_only(monkeypatch)
    flask = make_app(settings, cors_origins=cors).test_client()
    add_views(flask)  # the same views again, not counted again: the counts stay
    through_flask = answers(flask, headers)

    assert seen or cors or headers, "the second app's counts went through Flask"
    assert through_flask == through_lane
    assert metric_lines(flask) == lane_metrics
    statuses = [200] * 4 + [422] * 2 + [200] + [422] * 3 + [200] * 2 + [422]
    assert [a[0] for a in through_lane] == statuses
    assert through_lane[0][2] == b'{"counts":{"42":2,"43":1}}\n'
    assert through_lane[1][2] == b'{"counts":{"42":2,"43":1}}\n'
    assert all(a[5] for a in through_lane), "every answer carries the request's id"
    assert all(("ETag" in dict(a[4])) == (a[0] == 200) for a in through_lane)
    if cors:
        assert ("Vary", "Origin") in through_lane[0][4]
        assert ("Access-Control-Allow-Origin", cors[0]) in through_lane[0][4]


def test_the_lane_answers_plain_counts_without_flask(client, articles):
    """A plain counts query never reaches Flask; one the plain rules leave does."""
    articles.publish(42)
    reached = requests_reaching_flask(client, "QUERY_STRING")
    plain = client.get("/v1/views?ids=42,43")
    schema = client.get("/v1/views?ids=042")
    etag = plain.headers["ETag"]
    conditional = client.get("/v1/views?ids=42,43", headers={"If-None-Match": etag})

    assert plain.status_code == 200 and schema.status_code == 200
    assert schema.get_json() == {"counts": {"42": 0}}
    assert conditional.status_code == 304
    assert reached == ["ids=042", "ids=42,43"]


def test_redis_down_while_reading_counts_is_the_apps_503_counted_once(
    make_app, settings, articles, monkeypatch
):
    articles.publish(42)
    app = make_app(settings)
    client = app.test_client()
    service = app.wsgi_app.service
    calls = []

    def down(ids):
        calls.append(ids)
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(service, "counts", down)
    response = client.get("/v1/views?ids=42", headers={"X-Request-ID": "down-1"})

    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["X-Request-ID"] == "down-1"
    assert calls == [[42]], "Redis was asked once: Flask raised the lane's fault again"
    text = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/v1/views",method="GET",status="503"} 1.0' in text
