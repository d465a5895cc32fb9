"""Redis connections from ``REDIS_URL`` with timeouts, health checks and retries."""

from __future__ import annotations

import re

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

# Errors on which redis-py itself reconnects and retries a command a few times.
_RETRIED = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


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
        retry_on_error=list(_RETRIED),
    )


def ping(client: redis.Redis) -> None:
    """A readiness check for a cache: raises when Redis does not answer."""
    client.ping()


def accepts_writes(client: redis.Redis, prefix: str) -> None:
    """A readiness check for a store: raises when Redis does not answer or refuses writes.

    A ``PING`` alone passes while Redis is full (OOM), a read-only replica or unable to
    persist (MISCONF); a small write under the service's own ``prefix`` does not.
    """
    client.set(f"{prefix}:readyz", "1", ex=60)


_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")


def glob_escape(text: str) -> str:
    """``text`` matched literally in a ``SCAN MATCH``/``KEYS`` pattern (no ``*?[]\\`` magic)."""
    return _GLOB_SPECIAL.sub(r"\\\1", text)
