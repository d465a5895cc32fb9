"""The gateway's nginx configuration: it loads, it routes, it passes the headers on.

A recording upstream (pytest-httpserver) stands for every service, so each rewrite and
each forwarded header is seen exactly as a service receives it.
"""

from __future__ import annotations

import re

import pytest
import requests
from flask import Flask

from portalkit.problems import problem
from support.gateway import Gateway, compose_environment, render, tls_values
from support.servers import free_port

ROUTES = [
    # (gateway path, the path the service receives)
    ("/api/articles/v1/articles?page=2&per_page=5", "/v1/articles", "page=2&per_page=5"),
    ("/api/articles/v1/articles/by-slug/yen-bai-so-ket", "/v1/articles/by-slug/yen-bai-so-ket", ""),
    ("/api/views/v1/views/42", "/v1/views/42", ""),
    ("/api/views/v1/views?ids=1,2,3", "/v1/views", "ids=1,2,3"),
    ("/api/views/v1/top?window=day", "/v1/top", "window=day"),
    ("/api/weather/v1/weather/tran-yen", "/v1/weather/tran-yen", ""),
    ("/api/weather/openapi.json", "/openapi.json", ""),
    ("/tin-trong-tinh/an-ninh/so-ket-42.html", "/tin-trong-tinh/an-ninh/so-ket-42.html", ""),
    ("/", "/", ""),
]


@pytest.fixture
def recorder(httpserver):
    httpserver.expect_request(re.compile(".*")).respond_with_json({"ok": True})
    return httpserver


@pytest.fixture
def gateway(tmp_path, recorder):
    address = f"127.0.0.1:{recorder.port}"
    proxy = Gateway(
        tmp_path / "gateway",
        {name: address for name in ("web", "articles", "counter", "weather")},
        media_root=tmp_path / "media",
    )
    yield proxy.start()
    proxy.stop()


@pytest.fixture
def dead_gateway(tmp_path):
    """Every upstream is a port where nothing listens."""
    address = f"127.0.0.1:{free_port()}"
    proxy = Gateway(
        tmp_path / "dead", {name: address for name in ("web", "articles", "counter", "weather")}
    )
    yield proxy.start()
    proxy.stop()


def test_the_template_takes_every_value_from_the_gateway_environment_in_compose():
    # GATEWAY_RESOLVER comes from the container's resolv.conf (deploy/nginx/*.envsh).
    environment = {**compose_environment(), "GATEWAY_RESOLVER": "127.0.0.11"}
    rendered = render(tls_values({**environment, "GATEWAY_HTTPS_PUBLIC_PORT": "443"}))
    assert not re.search(r"\$\{GATEWAY_[A-Z]", rendered)
    assert "set $articles_upstream articles:8001;" in rendered
    assert "resolver 127.0.0.11 valid=10s ipv6=off;" in rendered
    assert "listen 8080;" in rendered
    # Variables in proxy_pass make nginx ask the resolver again, so new replicas get traffic.
    passes = re.findall(r"proxy_pass ([^;]+);", rendered)
    # the five services, and photo uploads to articles and through the newsroom
    assert len(passes) == 7
    assert all(target.startswith("http://$") for target in passes), passes
    assert not re.search(r"^\s*upstream\s", rendered, flags=re.MULTILINE)


def test_nginx_accepts_the_configuration_rendered_for_compose(tmp_path):
    proxy = Gateway(tmp_path, {})  # the upstreams keep their Compose service names
    assert "set $counter_upstream  counter:8002;" in (tmp_path / "gateway.conf").read_text()
    result = proxy.check()
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.mark.parametrize(("path", "upstream_path", "query"), ROUTES)
def test_each_route_reaches_its_service_without_the_prefix(
    gateway, recorder, path, upstream_path, query
):
    reply = requests.get(gateway.url + path, timeout=5)
    assert reply.status_code == 200
    (request, _response), *_ = recorder.log
    assert request.path == upstream_path
    assert request.query_string.decode() == query


def test_request_ids_forwarded_headers_and_bodies_reach_the_service(gateway, recorder):
    reply = requests.post(
        gateway.url + "/api/views/v1/views",
        json={"article_id": 42, "visitor_id": "reader-1"},
        headers={
            "X-Request-ID": "reader-req-0001",
            "X-Forwarded-For": "203.0.113.9",
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        },
        timeout=5,
    )
    assert reply.status_code == 200
    (request, _response), *_ = recorder.log
    assert request.method == "POST"
    assert request.path == "/v1/views"
    assert request.get_json() == {"article_id": 42, "visitor_id": "reader-1"}
    assert request.headers["X-Request-ID"] == "reader-req-0001"
    # The edge replaces a client's X-Forwarded-For: nobody poses as another reader.
    assert request.headers["X-Forwarded-For"] == "127.0.0.1"
    assert request.headers["X-Forwarded-Proto"] == "http"
    assert request.headers["Host"] == f"127.0.0.1:{gateway.port}"
    assert request.headers["User-Agent"].startswith("Mozilla/5.0")
    entry = gateway.wait_logged(request_id="reader-req-0001")
    assert entry["uri"] == "/api/views/v1/views"
    assert entry["status"] == 200
    assert len(gateway.logged()) == 1


def test_a_request_without_an_id_gets_one_at_the_gateway(gateway, recorder):
    for sent in ({}, {"X-Request-ID": "not a valid id!"}):
        recorder.clear_log()
        requests.get(gateway.url + "/api/weather/v1/weather", headers=sent, timeout=5)
        (request, _response), *_ = recorder.log
        made = request.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made)
        gateway.wait_logged(request_id=made, uri="/api/weather/v1/weather")


def test_metrics_stay_inside(gateway, recorder):
    for path in (
        "/metrics",
        "/api/articles/metrics",
        "/api/views/metrics",
        "/newsroom/metrics",
    ):
        assert requests.get(gateway.url + path, timeout=5).status_code == 404
    assert recorder.log == []


def test_an_unknown_api_answers_problem_json(gateway):
    reply = requests.get(gateway.url + "/api/nothing/v1/here", timeout=5)
    assert reply.status_code == 404
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.json()["status"] == 404


@pytest.mark.parametrize("prefix", ["/api/articles", "/api/views", "/api/weather"])
def test_an_api_that_is_down_answers_503_problem_json_not_an_html_page(dead_gateway, prefix):
    reply = requests.get(dead_gateway.url + prefix + "/v1/anything", timeout=5)
    assert reply.status_code == 503
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.headers["Retry-After"] == "5"
    assert reply.json()["title"] == "Service Unavailable"


def post_batch(gateway, body: bytes) -> requests.Response:
    return requests.post(
        gateway.url + "/api/views/v1/views/batch",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )


def test_a_body_past_the_gateways_limit_is_refused_as_problem_json(gateway, recorder):
    too_large = b"[" + b"0," * (2 * 1024 * 1024) + b"0]"
    reply = post_batch(gateway, too_large)
    assert reply.status_code == 413
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert recorder.log == []


def test_a_body_past_a_services_own_limit_still_reaches_it_to_judge(gateway, recorder):
    body = b"[" + b"0," * (1024 * 1024) + b"0]"  # just over the counter's 2 MiB batch limit
    reply = post_batch(gateway, body)
    assert reply.status_code == 200
    (request, _response), *_ = recorder.log
    assert len(request.get_data()) == len(body)


def test_photo_renditions_come_from_the_media_volume_cached_for_a_year(gateway, recorder, tmp_path):
    name = f"r1/ab/{'ab' * 32}-640.webp"
    (tmp_path / "media" / name).parent.mkdir(parents=True)
    (tmp_path / "media" / name).write_bytes(b"RIFF0000WEBPVP8 ")
    reply = requests.get(f"{gateway.url}/media/{name}", timeout=10)
    assert reply.status_code == 200
    assert reply.content == b"RIFF0000WEBPVP8 "
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert reply.headers["Content-Type"] == "image/webp"
    missing = requests.get(f"{gateway.url}/media/r1/cd/{'cd' * 32}-640.jpg", timeout=10)
    assert missing.status_code == 404
    assert recorder.log == []
    sample = requests.get(f"{gateway.url}/media/ho-thac-ba.svg", timeout=10)
    assert sample.status_code == 200
    assert recorder.log[0][0].path == "/media/ho-thac-ba.svg"  # to the web, which proxies


def test_a_photo_upload_past_the_general_body_limit_reaches_articles(gateway, recorder):
    body = b"x" * (10 * 1024 * 1024)
    reply = requests.post(
        f"{gateway.url}/api/articles/v1/media",
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        timeout=60,
    )
    assert reply.status_code == 200
    (request, _response), *_ = recorder.log
    assert request.path == "/v1/media"
    assert len(request.get_data()) == len(body)


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        ("/api/articles/openapi.json", "/api/articles"),
        ("/api/articles/v1/media", "/api/articles"),
        ("/api/views/openapi.json", "/api/views"),
        ("/api/weather/docs", "/api/weather"),
    ],
)
def test_each_api_is_told_the_prefix_it_is_served_under(gateway, recorder, path, prefix):
    reply = requests.get(gateway.url + path, headers={"X-Forwarded-Prefix": "/forged"}, timeout=5)

    assert reply.status_code == 200
    (request, _response), *_ = recorder.log
    assert request.headers["X-Forwarded-Prefix"] == prefix
    assert request.headers["X-Request-ID"]  # the server-wide headers are still sent


def test_the_web_is_told_no_prefix(gateway, recorder):
    requests.get(gateway.url + "/", headers={"X-Forwarded-Prefix": "/forged"}, timeout=5)

    (request, _response), *_ = recorder.log
    assert "X-Forwarded-Prefix" not in request.headers


def test_the_gateways_own_problems_use_the_services_problem_types(gateway, dead_gateway):
    not_found = requests.get(gateway.url + "/api/nothing/v1/here", timeout=5)
    unavailable = requests.get(dead_gateway.url + "/api/articles/v1/articles", timeout=10)
    too_large = requests.post(
        gateway.url + "/api/views/v1/views", data=b"x" * (5 << 20), timeout=10
    )

    for reply in (not_found, unavailable, too_large):
        body = reply.json()
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert body["status"] == reply.status_code
        with Flask(__name__).app_context():
            assert body["type"] == problem(reply.status_code).get_json()["type"]
    assert [r.status_code for r in (not_found, unavailable, too_large)] == [404, 503, 413]
