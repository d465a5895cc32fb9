#!/usr/bin/env python
"""Container healthchecks of the portal's processes (Dockerfile HEALTHCHECK, Compose).

    portal-healthcheck http PORT               GET http://127.0.0.1:PORT/healthz answers 200
    portal-healthcheck consumer STREAM GROUP   this container's stream consumer read lately
    portal-healthcheck redis-key KEY           KEY exists in Redis (a lock or a heartbeat)
    portal-healthcheck redis                   Redis at REDIS_URL answers PING

Exit status 0 is healthy, 1 unhealthy; one line on stderr says why. Only the standard
library and redis-py (a dependency of every image) are used, so a probe starts fast.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
import urllib.request

TIMEOUT_S = 3.0
# A consumer blocks at most a second per read, so one silent for a minute is stuck.
CONSUMER_MAX_IDLE_MS = int(os.environ.get("HEALTHCHECK_CONSUMER_MAX_IDLE_MS", "60000"))


def check_http(port: str) -> str | None:
    url = f"http://127.0.0.1:{int(port)}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as reply:
            status = reply.status
    except (urllib.error.URLError, OSError) as exc:
        return f"{url}: {exc}"
    return None if status == 200 else f"{url} answered {status}"


def redis_client():
    import redis

    return redis.Redis.from_url(
        os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        socket_timeout=TIMEOUT_S,
        socket_connect_timeout=TIMEOUT_S,
        decode_responses=True,
    )


def check_redis() -> str | None:
    import redis

    try:
        redis_client().ping()
    except redis.RedisError as exc:
        return f"redis: {exc}"
    return None


def check_redis_key(key: str) -> str | None:
    import redis

    try:
        exists = redis_client().exists(key)
    except redis.RedisError as exc:
        return f"redis: {exc}"
    return None if exists else f"no key {key}"


def check_consumer(stream: str, group: str) -> str | None:
    """The consumers of this container (named ``<hostname>-<pid>``) read within the limit."""
    import redis

    mine = f"{socket.gethostname()}-"
    try:
        consumers = redis_client().xinfo_consumers(stream, group)
    except redis.RedisError as exc:
        return f"{stream}/{group}: {exc}"
    idle = [c["idle"] for c in consumers if str(c["name"]).startswith(mine)]
    if not idle:
        return f"no consumer {mine}* in {stream}/{group}"
    if min(idle) > CONSUMER_MAX_IDLE_MS:
        return f"consumer idle for {min(idle)} ms in {stream}/{group}"
    return None


CHECKS = {
    "http": (check_http, 1),
    "consumer": (check_consumer, 2),
    "redis-key": (check_redis_key, 1),
    "redis": (check_redis, 0),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in CHECKS or len(argv) - 1 != CHECKS[argv[0]][1]:
        sys.stderr.write(__doc__ or "")
        return 2
    check, _ = CHECKS[argv[0]]
    problem = check(*argv[1:])
    if problem:
        sys.stderr.write(f"unhealthy: {problem}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
