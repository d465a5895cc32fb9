"""One classification of Redis failures: what each means to a process (docs/reliability.md).

Every kind of Redis trouble is either passing (wait with a backoff and try again; an
HTTP request answers 503) or a lost structure (a consumer group or stream that a flush or
a restart without persistence took away: create it again and go on). Anything else is a
bug in our own use of Redis and is raised as it is.
"""

from __future__ import annotations

import enum

import redis

# Errors redis-py gives a class of their own (LOADING is a BusyLoadingError, itself a
# ConnectionError); these mean the server cannot serve us for now, not that we are wrong.
PASSING_TYPES = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.OutOfMemoryError,  # OOM: maxmemory reached with noeviction
    redis.exceptions.ReadOnlyError,  # READONLY: a replica, e.g. during a failover
    redis.exceptions.ExecAbortError,  # a MULTI refused because a queued command was (OOM)
    redis.exceptions.TryAgainError,
)
# Errors redis-py leaves as a plain ResponseError, known by their first word.
_PASSING_CODES = ("BUSY", "MISCONF", "MASTERDOWN", "CLUSTERDOWN", "LOADING", "OOM", "READONLY")
_LOST_CODES = ("NOGROUP", "UNBLOCKED")


class Trouble(enum.Enum):
    """What a Redis failure calls for."""

    PASSING = "passing"  # retry with a backoff; 503 and /readyz 503 meanwhile
    LOST = "lost"  # our group or stream is gone: recreate it and go on


def trouble(exc: BaseException) -> Trouble | None:
    """The kind of Redis trouble ``exc`` is (or the error it was raised from), else None."""
    cause = exc.__cause__
    if cause is not None and not isinstance(exc, redis.exceptions.RedisError):
        return trouble(cause)  # e.g. kombu's OperationalError raised from a redis error
    if isinstance(exc, PASSING_TYPES):
        return Trouble.PASSING
    if isinstance(exc, redis.exceptions.ResponseError):
        code = str(exc).split(" ", 1)[0].upper()
        if code in _LOST_CODES:
            return Trouble.LOST
        if code in _PASSING_CODES:
            return Trouble.PASSING
    return None


def is_redis_trouble(exc: BaseException) -> bool:
    """Whether ``exc`` is Redis being away, busy, full or read-only (a 503, never a 500)."""
    return trouble(exc) is not None


class Backoff:
    """Doubling waits between ``first`` and ``last`` seconds, back to ``first`` on success."""

    def __init__(self, first: float = 0.2, last: float = 5.0) -> None:
        self.first = first
        self.last = last
        self.current = first

    def next(self) -> float:
        wait = self.current
        self.current = min(self.current * 2, self.last)
        return wait

    def reset(self) -> None:
        self.current = self.first
