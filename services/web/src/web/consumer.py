"""``python -m web.consumer``: drop cached pages and page data when articles or weather change.

Two groups named ``web`` (on ``events:articles`` and ``events:weather``) start at the
streams' end: older cached entries expire by their TTL. Handlers only delete keys and bump
generations inside the bus's MULTI, so a redelivered event is harmless.
"""

from __future__ import annotations

import redis

from portalkit.events import (
    ARTICLES_STREAM,
    WEATHER_STREAM,
    ArticleEvent,
    Event,
    WeatherUpdated,
)
from portalkit.process import run_process
from portalkit.redis_client import connect
from portalkit.stream_metrics import consumer_metrics
from portalkit.streams import Consumer
from web.page_data import invalidate_article, invalidate_weather
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
    run_process(
        "web-consumer",
        Settings.from_env,
        lambda settings: consumers(connect(settings.redis_url)),
        consumer_metrics,
    )


if __name__ == "__main__":
    main()
