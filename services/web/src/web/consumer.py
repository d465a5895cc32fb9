"""``python -m web.consumer``: drop cached pages and page data when articles or weather change.

Two consumer groups named ``web``, one on ``events:articles`` and one on
``events:weather``, each in its own thread; SIGTERM stops both. The handlers only
delete keys and bump the list or weather generation inside the bus's MULTI (which
retires every rendered page, see ``web.rendered``), so a redelivered event is harmless.
The groups start at the stream's end: cached entries older than the group expire by
their TTL.
"""

from __future__ import annotations

import signal
import threading

import redis

from portalkit.events import (
    ARTICLES_STREAM,
    WEATHER_STREAM,
    ArticleEvent,
    Event,
    WeatherUpdated,
)
from portalkit.process import start_process
from portalkit.redis_client import connect
from portalkit.streams import Consumer
from web.cache import invalidate_article, invalidate_weather
from web.settings import Settings

GROUP = "web"


def on_article_event(event: Event, pipe: redis.client.Pipeline) -> None:
    if isinstance(event, ArticleEvent):
        invalidate_article(pipe, event.article_id)


def on_weather_event(event: Event, pipe: redis.client.Pipeline) -> None:
    if isinstance(event, WeatherUpdated):
        invalidate_weather(pipe, event.location)


def consumers(client: redis.Redis, start_id: str = "$") -> list[Consumer]:
    return [
        Consumer(client, ARTICLES_STREAM, GROUP, on_article_event, "web", start_id=start_id),
        Consumer(client, WEATHER_STREAM, GROUP, on_weather_event, "web", start_id=start_id),
    ]


def main() -> None:
    settings = start_process("web-consumer", Settings.from_env)
    client = connect(settings.redis_url)
    running = consumers(client)

    def stop(*_: object) -> None:
        for consumer in running:
            consumer.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threads = [
        threading.Thread(target=consumer.run, name=f"consume-{consumer.stream}")
        for consumer in running
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=1.0)


if __name__ == "__main__":
    main()
