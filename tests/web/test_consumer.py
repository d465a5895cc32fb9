"""``python -m web.consumer`` as the Procfile runs it: events drop cached page data."""

from __future__ import annotations

import signal

from portalkit.events import ArticleUpdated, WeatherUpdated
from portalkit.streams import EventBus
from support.servers import python_process, wait_until
from web.page_data import LIST_GENERATION, article_key, weather_key


def test_the_consumer_process_drops_changed_articles_and_readings(redis_url, redis_client):
    consumer = python_process(["-m", "web.consumer"], env={"REDIS_URL": redis_url}, name="web-c")
    consumer.start()
    try:
        wait_until(lambda: len(redis_client.xinfo_groups("events:weather")) == 1, timeout=20)
        wait_until(lambda: len(redis_client.xinfo_groups("events:articles")) == 1, timeout=20)
        redis_client.set(article_key(7), "{}")
        redis_client.set(article_key(8), "{}")
        redis_client.set(weather_key("tram-tau"), "{}")
        redis_client.set(weather_key(None), "{}")
        bus = EventBus(redis_client)

        bus.publish(ArticleUpdated(article_id=7, slug="bai-bay", status="published", version=2))
        bus.publish(WeatherUpdated(location="tram-tau"))

        wait_until(lambda: not redis_client.exists(article_key(7)), timeout=20)
        wait_until(lambda: not redis_client.exists(weather_key("tram-tau")), timeout=20)
        assert not redis_client.exists(weather_key(None))
        assert redis_client.exists(article_key(8))
        assert redis_client.get(LIST_GENERATION) == "1"
    finally:
        consumer.signal(signal.SIGTERM)
        code = consumer.proc.wait(timeout=15)
    assert code == 0, consumer.output()
