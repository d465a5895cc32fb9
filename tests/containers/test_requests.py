"""A reader's and an editor's requests through the gateway on 127.0.0.1, end to end."""

from __future__ import annotations

import pytest
import requests

from support.servers import wait_until

# The first test to ask for the stack builds and starts it: minutes on a fresh machine.
pytestmark = pytest.mark.timeout(1800)


def test_the_home_page_renders(stack):
    page = requests.get(stack.url + "/", timeout=30)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<html" in page.text and "Yên Bái" in page.text


def test_an_article_created_through_the_api_appears_on_its_page(stack, published):
    title = published.article["title"]
    page = wait_until(lambda: requests.get(published.page_url, timeout=30), timeout=60)
    assert page.status_code == 200, page.text[:500]
    assert title in page.text
    by_id = requests.get(
        f"{stack.url}/api/articles/v1/articles/{published.article['id']}", timeout=30
    )
    assert by_id.json()["title"] == title


def test_a_view_through_the_gateway_counts_once(stack, published):
    article_id = published.article["id"]
    assert published.first_view == {
        "article_id": article_id,
        "views": 1,
        "counted": True,
        "reason": None,
    }
    again = stack.view(article_id, "container-reader")
    assert again.status_code == 200
    assert again.json()["counted"] is False
    counts = requests.get(f"{stack.url}/api/views/v1/views/{article_id}", timeout=30).json()
    assert counts["views"] == 1
    assert counts["unique_visitors"] == 1


def test_the_weather_api_answers_from_the_provider(stack, provider):
    def fetched() -> requests.Response | None:
        reply = requests.get(stack.url + "/api/weather/v1/weather", timeout=30)
        return reply if reply.status_code == 200 else None

    reply = wait_until(fetched, timeout=120, interval=2)
    weather = reply.json()
    assert weather["temperature_c"] == 15.0
    assert weather["condition"]["text_vi"] == "Trời nhiều mây"
    assert weather["stale"] is False
    assert provider.total_requests() > 0
