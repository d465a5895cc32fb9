"""The view beacon reaches the counter; cached page data is dropped when the streams say so."""

from __future__ import annotations

import time

import requests

from portalkit.redis_client import connect
from support.servers import wait_until
from web import extensions as web_extensions
from web.consumer import consumers
from web.page_data import article_key, weather_key
from web.rendered import GENERATIONS_RECHECK_S

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def views(stack, article_id: int) -> int:
    reply = requests.get(f"{stack.url('counter')}/v1/views/{article_id}", timeout=5)
    return reply.json()["views"]


def test_beacon_counts_a_reader_once_within_the_window(live, stack, content):
    article = content.article()
    before = views(stack, article["id"])

    first = live.post(f"/beacon/view/{article['id']}", headers={"User-Agent": BROWSER})
    again = live.post(f"/beacon/view/{article['id']}", headers={"User-Agent": BROWSER})

    assert first.status_code == again.status_code == 204
    assert "vid=" in first.headers["Set-Cookie"]
    assert "Set-Cookie" not in again.headers
    assert views(stack, article["id"]) == before + 1


def test_beacon_passes_on_the_readers_user_agent(live, stack, content):
    article = content.article()

    live.post(f"/beacon/view/{article['id']}", headers={"User-Agent": "Googlebot/2.1"})

    assert views(stack, article["id"]) == 0


def test_another_reader_counts_again(live_app, stack, content):
    article = content.article()

    for _ in range(2):
        reader = live_app.test_client()
        reader.post(f"/beacon/view/{article['id']}", headers={"User-Agent": BROWSER})

    assert views(stack, article["id"]) == 2


def test_an_article_change_drops_its_cached_copy(live, live_app, stack, content):
    article = content.article()
    path = f"/{article['category']['slug']}/{article['slug']}-{article['id']}.html"
    cache = web_extensions.api_client(live_app).cache.client
    web_consumers = consumers(connect(stack.env["REDIS_URL"]), start_id="$")
    for consumer in web_consumers:
        consumer.ensure_group()
    assert live.get(path).status_code == 200
    assert cache.exists(article_key(article["id"]))

    content.patch(article["id"], {"summary": "Tóm tắt đã được biên tập lại."})
    content.wait_until_consumed(groups=("counter",))
    wait_until(lambda: web_consumers[0].poll() or not cache.exists(article_key(article["id"])))

    assert not cache.exists(article_key(article["id"]))
    time.sleep(GENERATIONS_RECHECK_S)  # how long a worker trusts the generations it read
    assert "Tóm tắt đã được biên tập lại." in live.get(path).text


def test_a_weather_update_drops_the_cached_reading(live, live_app, stack, content):
    cache = web_extensions.api_client(live_app).cache.client
    weather_consumer = consumers(connect(stack.env["REDIS_URL"]), start_id="$")[1]
    weather_consumer.ensure_group()
    live.get("/")
    assert cache.exists(weather_key(None))

    wait_until(lambda: weather_consumer.poll() or not cache.exists(weather_key(None)), timeout=30)

    assert not cache.exists(weather_key(None))
