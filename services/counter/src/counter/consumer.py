"""``python -m counter.consumer``: learns from ``events:articles`` which articles count.

The group ``counter`` starts at the stream's beginning, so a new counter replays the
retained history; events about one article apply in stream order (docs/design-notes.md).
"""

from __future__ import annotations

import functools

import redis

from counter import publication
from counter.settings import Settings
from portalkit.events import ARTICLES_STREAM, ArticleEvent, Event
from portalkit.process import run_process
from portalkit.redis_client import connect
from portalkit.stream_metrics import consumer_metrics
from portalkit.streams import Consumer

GROUP = "counter"


def build_consumer(settings: Settings, **options: object) -> Consumer:
    client = connect(settings.redis_url)
    return Consumer(
        client=client,
        stream=ARTICLES_STREAM,
        group=GROUP,
        handler=functools.partial(_handle, client=client),
        key_prefix="counter",
        start_id="0",
        entity_of=_article_of,
        **options,  # type: ignore[arg-type]
    )


def _article_of(event: Event) -> str | None:
    """Events about one article apply in stream order: a later one supersedes."""
    return str(event.article_id) if isinstance(event, ArticleEvent) else None


def _handle(event: Event, pipe: redis.client.Pipeline, *, client: redis.Redis) -> None:
    publication.apply(event, pipe, client)


def main() -> None:
    run_process(
        "counter-consumer",
        Settings.from_env,
        lambda settings: [build_consumer(settings)],
        consumer_metrics,
    )


if __name__ == "__main__":
    main()
