"""Bad input gets the right 4xx as problem+json, and nothing is counted."""

from __future__ import annotations

import pytest
from counter_kit import BROWSER

from counter.app import create_app
from counter.settings import Settings
from support.servers import free_port

PROBLEM = "application/problem+json"


@pytest.fixture
def published(articles):
    articles.publish(42)


def nothing_counted(client) -> bool:
    return client.get("/v1/views/42").get_json()["views"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"article_id": "42"},
        {"article_id": 42.5},
        {"article_id": -42},
        {"article_id": 0},
        {"article_id": True},
        {"article_id": 2**64},
        {"article_id": None},
        {},
        {"article_id": 42, "visitor_id": "v" * 129},
        {"article_id": 42, "visitor_id": ""},
        {"article_id": 42, "visitor_id": 12345},
        {"article_id": 42, "unexpected": 1},
        [42],
    ],
)
def test_an_invalid_view_is_422_and_not_counted(client, published, body):
    response = client.post("/v1/views", json=body, headers={"User-Agent": BROWSER})

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert response.get_json()["errors"]
    assert nothing_counted(client)


def test_a_visitor_id_of_128_characters_is_accepted(client, published):
    response = client.post(
        "/v1/views",
        json={"article_id": 42, "visitor_id": "v" * 128},
        headers={"User-Agent": BROWSER},
    )

    assert response.get_json()["counted"] is True


def test_a_body_over_16_kib_is_413_and_not_counted(client, published):
    body = b'{"article_id": 42, "visitor_id": "a"' + b" " * (16 * 1024) + b"}"

    response = client.post(
        "/v1/views", data=body, content_type="application/json", headers={"User-Agent": BROWSER}
    )

    assert response.status_code == 413
    assert response.mimetype == PROBLEM
    assert nothing_counted(client)


def test_a_body_that_is_not_json_is_415(client, published):
    response = client.post(
        "/v1/views", data="article_id=42", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.mimetype == PROBLEM
    assert nothing_counted(client)


def test_malformed_json_is_400(client, published):
    response = client.post("/v1/views", data="{article_id: 42", content_type="application/json")

    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert nothing_counted(client)


@pytest.mark.parametrize(
    "query", ["ids=", "ids=a", "ids=1,-2", "ids=0", "ids=1.5", "", "ids=" + ",".join(["1"] * 201)]
)
def test_invalid_ids_are_422(client, query):
    response = client.get(f"/v1/views?{query}")

    assert response.status_code == 422
    assert response.mimetype == PROBLEM


def test_two_hundred_ids_are_accepted(client):
    response = client.get("/v1/views?ids=" + ",".join(str(i) for i in range(1, 201)))

    assert response.status_code == 200
    assert len(response.get_json()["counts"]) == 200


@pytest.mark.parametrize("path", ["/v1/views/abc", "/v1/views/-1", "/v1/views/0", "/v1/views/1.5"])
def test_a_bad_article_id_in_the_path_is_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize("query", ["window=year", "limit=0", "limit=101", "limit=x"])
def test_a_bad_ranking_query_is_422(client, query):
    response = client.get(f"/v1/top?{query}")

    assert response.status_code == 422
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize("body", [{"views": -1}, {"views": "1799"}, {"views": 1.5}, {}])
def test_an_invalid_set_count_is_422(client, auth, body):
    response = client.put("/v1/views/42", json=body, headers=auth)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM


def test_redis_down_answers_503_not_500(clock):
    gone = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(Settings(redis_url=gone), clock=clock)
    client = app.test_client()

    responses = [
        client.post("/v1/views", json={"article_id": 42}, headers={"User-Agent": BROWSER}),
        client.get("/v1/views/42"),
        client.get("/v1/views?ids=1,2"),
        client.get("/v1/top?window=week"),
        client.get("/readyz"),
    ]

    assert [r.status_code for r in responses] == [503] * 5
    assert all(r.mimetype == PROBLEM for r in responses[:4])


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json").get_json()
    docs = client.get("/docs")

    assert set(spec["paths"]) >= {
        "/v1/views",
        "/v1/views/{article_id}",
        "/v1/views/batch",
        "/v1/top",
    }
    assert docs.status_code == 200
    assert b"swagger" in docs.data.lower()


def test_metrics_count_views_by_result(client, published):
    client.post("/v1/views", json={"article_id": 42}, headers={"User-Agent": BROWSER})
    client.post("/v1/views", json={"article_id": 42}, headers={"User-Agent": ""})

    text = client.get("/metrics").get_data(as_text=True)

    assert 'counter_views_total{result="counted"} 1.0' in text
    assert 'counter_views_total{result="crawler"} 1.0' in text
