"""The HTTP conventions on a small app built with portalkit."""

from __future__ import annotations

import pytest
import redis
from demo_app import create_app
from flask import Flask

from portalkit.config import CommonSettings
from portalkit.problems import problem

AUTH = {"Authorization": "Bearer s3cret-token"}
PROBLEM = "application/problem+json"


@pytest.fixture
def client():
    return create_app().test_client()


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body


def test_unknown_path_is_a_404_problem(client):
    assert_problem(client.get("/nowhere"), 404)


def test_wrong_method_is_a_405_problem_with_allow(client):
    response = client.delete("/v1/things")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_oversized_body_is_a_413_problem(client):
    response = client.post(
        "/v1/things", data="x" * 5000, content_type="application/json", headers=AUTH
    )
    assert_problem(response, 413)


def test_non_json_body_is_a_415_problem(client):
    response = client.post("/v1/things", data="name=a", content_type="text/plain", headers=AUTH)
    assert_problem(response, 415)


def test_malformed_json_is_a_400_problem(client):
    response = client.post(
        "/v1/things", data="{oops", content_type="application/json", headers=AUTH
    )
    assert_problem(response, 400)


def test_invalid_fields_are_a_422_problem_with_field_errors(client):
    response = client.post("/v1/things", json={"name": "", "size": -1}, headers=AUTH)
    body = assert_problem(response, 422)
    assert set(body["errors"]) == {"name", "size"}


def test_a_write_without_or_with_a_wrong_token_is_401(client):
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic x"}):
        response = client.post("/v1/things", json={"name": "a", "size": 1}, headers=headers)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    good = client.post("/v1/things", json={"name": "a", "size": 1}, headers=AUTH)
    assert good.status_code == 201


def test_an_unexpected_error_is_a_500_problem_without_internals(client):
    response = client.get("/v1/things/boom")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in body["detail"]


def test_redis_down_is_a_503_problem():
    def down():
        raise redis.exceptions.ConnectionError("refused")

    app = create_app()
    app.add_url_rule("/redis", "redis", down)
    response = app.test_client().get("/redis")
    assert_problem(response, 503)
    assert response.headers["Retry-After"]


def test_request_id_is_echoed_when_given_and_made_when_absent(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz")
    assert len(made.headers["X-Request-ID"]) == 32
    hostile = client.get("/healthz", headers={"X-Request-ID": "a\u00e9b" * 100})
    assert hostile.headers["X-Request-ID"] != "a\u00e9b" * 100


def test_readyz_reports_each_check_and_answers_503_when_one_fails():
    def broken():
        raise ConnectionError("no database")

    ok = create_app(ready={"redis": lambda: True}).test_client().get("/readyz")
    assert ok.status_code == 200 and ok.get_json()["checks"] == {"redis": "ok"}
    bad = create_app(ready={"db": broken}).test_client().get("/readyz")
    assert bad.status_code == 503
    assert bad.get_json()["checks"] == {"db": "unavailable"}


def test_metrics_count_requests_by_endpoint_and_status(client):
    client.get("/nowhere")
    client.post("/v1/things", json={"name": "a", "size": 1}, headers=AUTH)
    client.post("/v1/things", json={"name": "a", "size": 1}, headers=AUTH)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/v1/things",method="POST",status="201"} 2.0' in text
    assert 'endpoint="unmatched",method="GET",status="404"} 1.0' in text
    assert "http_request_duration_seconds_bucket" in text


def test_openapi_documents_errors_as_problem_json(client):
    spec = client.get("/openapi.json").get_json()
    assert "/v1/things" in spec["paths"]
    assert "application/problem+json" in spec["components"]["responses"]["DEFAULT_ERROR"]["content"]


def test_settings_reject_a_body_limit_below_the_floor():
    from portalkit.config import ConfigError

    with pytest.raises(ConfigError, match="MAX_BODY_BYTES"):
        CommonSettings.from_env({"MAX_BODY_BYTES": "10"})


def _chunked(client, body: bytes):
    """A chunked request as gunicorn hands it to the app: no length, input terminated."""
    import io

    return client.post(
        "/v1/things",
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json", **AUTH},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_an_oversized_chunked_body_is_a_413_problem(client):
    assert_problem(_chunked(client, b'{"name": "' + b"x" * 5000 + b'", "size": 1}'), 413)


def test_a_chunked_body_within_the_limit_is_read_whole(client):
    response = _chunked(client, b'{"name": "chunky", "size": 3}')
    assert response.status_code == 201
    assert response.get_json() == {"name": "chunky", "size": 3}


def test_a_problem_names_errors_of_an_unnamed_field():
    with Flask(__name__).app_context():
        body = problem(422, errors={None: ["Unknown field."], "": ["Unknown field."]}).get_json()

    assert body["errors"] == {"_unnamed": ["Unknown field."], "": ["Unknown field."]}
