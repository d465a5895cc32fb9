#!/usr/bin/env python
"""Container healthchecks of the portal's processes (Dockerfile HEALTHCHECK, Compose).

    portal-healthcheck http PORT               GET http://127.0.0.1:PORT/healthz answers 200
    portal-healthcheck consumer GROUP STREAM...  this container's consumers of GROUP read
                                                 each STREAM within the last minute
    portal-healthcheck outbox                    the articles outbox drains: no event waits
                                                 longer than OUTBOX_MAX_AGE_S (60) seconds
    portal-healthcheck redis-key KEY           KEY exists in Redis (a lock or a heartbeat)
    portal-healthcheck redis                   Redis at REDIS_URL answers PING

Exit status 0 is healthy, 1 unhealthy; one line on stderr says why. Only the standard
library, redis-py and portalkit's settings (in every image) are used, so a probe
starts fast.
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

    from portalkit.config import CommonSettings

    # REDIS_URL completed with REDIS_PASSWORD (or its _FILE), as the processes read it.
    return redis.Redis.from_url(
        CommonSettings.from_env().redis_url,
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


def check_consumer(group: str, *streams: str) -> str | None:
    """The group keeps up with each stream, or this container's consumer read lately.

    portalkit names a consumer ``<hostname>-<pid>``. Redis records a consumer only once
    an entry is delivered to it, and older Redis versions count its idle time from the
    last delivery, so a quiet stream proves health by the group being caught up (its
    last delivered id is the stream's last id); a busy one by this container reading.
    """
    import redis

    mine = f"{socket.gethostname()}-"
    client = redis_client()
    for stream in streams:
        try:
            groups = {g["name"]: g for g in client.xinfo_groups(stream)}
            if group not in groups:
                return f"no group {group} on {stream}"
            last_id = client.xinfo_stream(stream)["last-generated-id"]
            if groups[group]["last-delivered-id"] == last_id:
                continue
            consumers = client.xinfo_consumers(stream, group)
        except redis.RedisError as exc:
            return f"{stream}/{group}: {exc}"
        idle = [c["idle"] for c in consumers if str(c["name"]).startswith(mine)]
        if not idle:
            return f"{stream}/{group} is behind and no consumer {mine}* reads it"
        if min(idle) > CONSUMER_MAX_IDLE_MS:
            return f"{stream}/{group} is behind and its consumer is idle for {min(idle)} ms"
    return None


def check_outbox() -> str | None:
    """The relay keeps up: Redis answers and no outbox row waits too long to be sent.

    Runs in the articles image only; it reads the outbox the way the relay does.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from articles.manage import outbox_wait_s
    from articles.settings import Settings

    problem = check_redis()
    if problem:
        return problem
    max_age_s = float(os.environ.get("OUTBOX_MAX_AGE_S", "60"))
    try:
        waited = outbox_wait_s(Settings.from_env())
    except SQLAlchemyError as exc:
        return f"database: {exc}"
    if waited is None or waited <= max_age_s:
        return None
    return f"an outbox event has waited {waited:.0f} s"


# name -> (check, fewest arguments, most arguments)
CHECKS = {
    "http": (check_http, 1, 1),
    "consumer": (check_consumer, 2, 10),
    "outbox": (check_outbox, 0, 0),
    "redis-key": (check_redis_key, 1, 1),
    "redis": (check_redis, 0, 0),
}


def main(argv: list[str]) -> int:
    if (
        not argv
        or argv[0] not in CHECKS
        or not (CHECKS[argv[0]][1] <= len(argv) - 1 <= CHECKS[argv[0]][2])
    ):
        sys.stderr.write(__doc__ or "")
        return 2
    check = CHECKS[argv[0]][0]
    problem = check(*argv[1:])
    if problem:
        sys.stderr.write(f"unhealthy: {problem}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
