"""With every service down the web still answers: friendly pages, never a stack trace."""

from __future__ import annotations

import re

import pytest

CSP_PARTS = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
)


@pytest.mark.parametrize(
    "path", ["/", "/tin-trong-tinh/", "/tin-trong-tinh/mot-bai-viet-7.html", "/search?q=lua"]
)
def test_pages_say_503_in_html_when_articles_is_down(client, path):
    response = client.get(path)

    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"]
    assert "Hệ thống đang bận" in response.text


def test_an_unknown_address_gets_the_friendly_404_page(client):
    response = client.get("/khong/co/trang/nay")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Không tìm thấy trang" in response.text
    assert 'href="/"' in response.text


def test_the_404_page_speaks_english_after_the_switch(client):
    response = client.get("/khong/co/trang/nay?lang=en")

    assert "Page not found" in response.text
    assert "lang=en" in response.headers["Set-Cookie"]
    assert "Page not found" in client.get("/khong/co/trang/nay").text


def test_html_pages_carry_the_security_headers(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Request-ID"]


def test_pages_have_no_inline_script_or_style(client):
    page = client.get("/khong-co/").text

    assert "<script>" not in page
    assert "<style" not in page
    assert " style=" not in page
    assert re.search(r'<script src="/static/js/portal\.[0-9a-f]{12}\.js" defer></script>', page)


def test_operational_endpoints_stay_json(client):
    assert client.get("/healthz").json == {"service": "web", "status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_data_responses_are_not_framed_but_keep_the_browser_viewer(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_metrics_count_failed_api_calls_by_service(client):
    client.get("/kinh-te/bai-viet-3.html")

    metrics = client.get("/metrics").text

    for service in ("articles", "counter", "weather"):
        assert re.search(rf'web_api_failures_total{{service="{service}"}} [1-9]', metrics)
    assert re.search(r'web_cache_lookups_total{result="miss"} [1-9]', metrics)


def test_static_assets_are_served(client):
    assert client.get("/static/css/portal.css").status_code == 200
    assert client.get("/static/js/portal.js").status_code == 200


def test_the_beacon_answers_and_gives_a_visitor_cookie_when_the_counter_is_down(client):
    response = client.post("/beacon/view/7")

    assert response.status_code == 204
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("vid=")
    assert "HttpOnly" in cookie
    assert "Path=/beacon/" in cookie  # pages stay cookie-free for a page cache


def test_the_beacon_refuses_another_site(client):
    response = client.post("/beacon/view/7", headers={"Origin": "https://elsewhere.example"})

    assert response.status_code == 403


def test_feeds_say_503_when_articles_is_down(client):
    assert client.get("/rss.xml").status_code == 503
    assert client.get("/sitemap.xml").status_code == 503
