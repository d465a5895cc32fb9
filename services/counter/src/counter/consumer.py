"""``python -m counter.consumer``: learns from ``events:articles`` which articles count.

article.published (or an update whose status is published) makes an article
countable, article.unpublished stops counting (its counts stay), article.deleted
removes every key and ranking entry of the article.

Replay, not reconcile. The consumer group ``counter`` is created at stream id ``0``,
so a counter deployed after articles were published reads the whole retained stream
first and ends in the state the events describe; restarts resume at the group's
position. Reconciling instead would mean calling the articles API at start, a second
path to the same truth that couples the services and races the stream. Replay relies
on the stream keeping its history: it is trimmed only at ``EVENTS_STREAM_MAXLEN``
(a million entries by default, years of a provincial portal's edits). Should it ever
be trimmed past a still-published article, the articles service can re-announce its
published articles and the consumer will apply those events like any other.

Events about one article apply in stream order (``entity_of``): an event superseded by
a later one for the same article, say a publication reclaimed from a dead consumer
after the article's deletion was applied, is acknowledged without effect, so a deleted
article is never made countable again and no tombstone key has to outlive it.
"""

from __future__ import annotations

import functools

import redis

from counter import publication
from counter.settings import Settings
from portalkit.events import ARTICLES_STREAM, ArticleEvent, Event
from portalkit.process import start_process
from portalkit.redis_client import connect
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
    settings = start_process("counter-consumer", Settings.from_env)
    consumer = build_consumer(settings)
    consumer.install_signal_handlers()
    consumer.run()


if __name__ == "__main__":
    main()
