"""What article events mean to the counter: which articles may be counted, and forgetting.

Each function queues its writes on the pipeline the event bus hands over, so the
effects land in the same ``MULTI`` as the bus's idempotency record and ``XACK``.
"""

from __future__ import annotations

import redis

from counter import keys
from portalkit.events import (
    ArticleDeleted,
    ArticleEvent,
    ArticlePublished,
    ArticleUnpublished,
    ArticleUpdated,
    Event,
)

PUBLISHED = "published"


def apply(event: Event, pipe: redis.client.Pipeline, client: redis.Redis) -> None:
    """Apply one article event; other events are ignored."""
    if not isinstance(event, ArticleEvent):
        return
    if isinstance(event, ArticleDeleted):
        forget(event.article_id, pipe, client)
    elif isinstance(event, ArticleUnpublished):
        pipe.delete(keys.published(event.article_id))
    elif isinstance(event, ArticlePublished):
        mark_published(event.article_id, event.version, pipe)
    elif isinstance(event, ArticleUpdated) and event.status:
        # An update carries the article's status; it is the truth at that version.
        if event.status == PUBLISHED:
            mark_published(event.article_id, event.version, pipe)
        else:
            pipe.delete(keys.published(event.article_id))


def mark_published(article_id: int, version: int, pipe: redis.client.Pipeline) -> None:
    pipe.set(keys.published(article_id), version)


def forget(article_id: int, pipe: redis.client.Pipeline, client: redis.Redis) -> None:
    """Queue the removal of every trace of an article: its keys and its ranking entries.

    Its own keys (including live dedupe markers) are found by ``SCAN``; the ranking
    sets are the few ``day:*`` and ``top:*`` sets and the all-time set. A view racing
    the deletion either ran before the ``MULTI`` (and is removed by it, except a
    dedupe marker made after the scan, which expires within ``COUNT_WINDOW_S``) or after
    it, and then finds the article unpublished and writes nothing.
    """
    member = str(article_id)
    for key in client.scan_iter(match=keys.article_keys_pattern(article_id), count=1000):
        pipe.delete(key)
    for pattern in (keys.DAY_PATTERN, keys.TOP_PATTERN):
        for key in client.scan_iter(match=pattern, count=1000, _type="zset"):
            pipe.zrem(key, member)
    pipe.zrem(keys.RANK_ALL, member)
