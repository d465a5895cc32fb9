"""kombu's Redis transport, for which a full, read-only or loading Redis is a lost
connection: the worker reconnects with a backoff instead of stopping for good."""

from __future__ import annotations

from kombu.transport import redis as kombu_redis

from portalkit.redis_errors import PASSING_TYPES


class Transport(kombu_redis.Transport):
    """``broker_transport = "weather.broker:Transport"``."""

    connection_errors = (*kombu_redis.Transport.connection_errors, *PASSING_TYPES)
