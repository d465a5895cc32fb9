"""What tooling (benchmarks, operators' scripts) calls instead of the counter's internals."""

from __future__ import annotations

import redis

from counter import keys
from counter.consumer import build_consumer
from counter.settings import Settings


def catch_up(settings: Settings) -> int:
    """Apply every article event already in the stream, then return how many were handled."""
    consumer = build_consumer(settings, block_ms=200)
    consumer.ensure_group()
    handled = 0
    while (count := consumer.poll()) > 0:
        handled += count
    consumer.client.close()
    return handled


def counted_views(client: redis.Redis) -> int:
    """Every view counted so far: the sum of the all-time ranking."""
    return int(
        sum(score for _member, score in client.zrange(keys.RANK_ALL, 0, -1, withscores=True))
    )
