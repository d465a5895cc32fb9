"""One service down at a time: the page renders without that part (503 only without articles)."""

from __future__ import annotations

import pytest


@pytest.fixture
def urls(stack, content) -> dict[str, object]:
    return {
        "articles_url": stack.url("articles"),
        "counter_url": stack.url("counter"),
        "weather_url": stack.url("weather"),
        "read_timeout_s": 5.0,  # a busy shared test machine is not the outage under test
    }


def feature_path(content) -> str:
    item = content.feature
    return f"/{item['category']['slug']}/{item['slug']}-{item['id']}.html"


def test_counter_down_leaves_out_the_view_count(make_app, urls, closed_url, content):
    client = make_app(**{**urls, "counter_url": closed_url}).test_client()

    response = client.get(feature_path(content))

    assert response.status_code == 200
    assert content.feature["title"] in response.text
    assert "lượt xem" not in response.text
    assert 'class="weather-box"' in response.text
    assert client.get("/").status_code == 200


def test_weather_down_shows_the_short_notice_instead_of_the_box(
    make_app, urls, closed_url, content
):
    client = make_app(**{**urls, "weather_url": closed_url}).test_client()

    response = client.get(feature_path(content))

    assert response.status_code == 200
    assert 'class="weather-box"' not in response.text
    assert "Chưa có dữ liệu thời tiết" in response.text
    assert "lượt xem" in response.text
    for unit in ("hPa", "km/h"):
        assert unit not in response.text


def test_articles_down_is_the_503_page_even_with_the_others_up(make_app, urls, closed_url, content):
    client = make_app(**{**urls, "articles_url": closed_url}).test_client()

    for path in ("/", feature_path(content), "/kinh-te/", "/rss.xml"):
        assert client.get(path).status_code == 503, path


def test_redis_down_only_loses_the_cache(make_app, urls, closed_url, content):
    port = closed_url.rsplit(":", 1)[1]
    client = make_app(**urls, redis_url=f"redis://127.0.0.1:{port}/0").test_client()

    response = client.get(feature_path(content))

    assert response.status_code == 200
    assert content.feature["title"] in response.text
    assert client.get("/readyz").status_code == 503
