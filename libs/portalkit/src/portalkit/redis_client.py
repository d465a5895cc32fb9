"""Redis connections from ``REDIS_URL`` with timeouts, health checks and retries."""

from __future__ import annotations

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def connect(url: str, *, decode_responses: bool = True, socket_timeout: float = 5.0) -> redis.Redis:
    """A client that retries a command a few times on a dropped connection.

    The connection is lazy: nothing is sent until the first command, so creating a
    client never fails because Redis is down.
    """
    return redis.Redis.from_url(
        url,
        decode_responses=decode_responses,
        socket_timeout=socket_timeout,
        socket_connect_timeout=2.0,
        health_check_interval=30,
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=2),
        retry_on_error=list(UNAVAILABLE),
    )


def ping(client: redis.Redis) -> None:
    """A readiness check: raises when Redis does not answer."""
    client.ping()
