"""A consumer process for the kill tests: records each application in Redis.

Its effects go on the bus's pipeline, so each one lands in the same MULTI as the
idempotency record and the XACK.
"""

from __future__ import annotations

import sys

from portalkit.process import run_workers
from portalkit.redis_client import connect
from portalkit.streams import Consumer


def handler(event, pipe):
    pipe.hincrby("test:applied", event.id, 1)


def main() -> None:
    url, stream, group = sys.argv[1:4]
    consumer = Consumer(
        client=connect(url),
        stream=stream,
        group=group,
        handler=handler,
        key_prefix="test",
        claim_idle_ms=300,
        block_ms=200,
        batch=50,
    )
    run_workers([consumer])


if __name__ == "__main__":
    main()
