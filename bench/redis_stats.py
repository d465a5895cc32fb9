"""Redis work per request: ``INFO commandstats`` deltas and a short ``MONITOR`` sample.

``commandstats`` counts every command Redis executed, including those a Lua script
ran. ``MONITOR`` marks script commands as coming from ``lua``, so a sample of requests
sent one by one under ``MONITOR`` tells the commands the services sent themselves: one
``EVALSHA`` is one round trip (pipelined commands each count one there).
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable

import redis

from bench.scenarios import Request

SENTINEL = "bench-monitor-end"


def commandstats(client: redis.Redis) -> Counter[str]:
    stats = client.info("commandstats")
    return Counter(
        {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}
    )


def delta(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """Commands run between two snapshots, without the harness' own INFO calls."""
    changed = {name: after[name] - before.get(name, 0) for name in after}
    changed.pop("info", None)
    return {name: calls for name, calls in sorted(changed.items()) if calls > 0}


def wait_quiet(client: redis.Redis, settle_s: float = 0.3, timeout_s: float = 30.0) -> None:
    """Wait until Redis runs no command for ``settle_s``: the servers have drained the
    requests wrk left queued when it stopped, so they do not count in the next reading."""
    deadline = time.monotonic() + timeout_s
    last = commandstats(client)
    while time.monotonic() < deadline:
        time.sleep(settle_s)
        now = commandstats(client)
        if not delta(last, now):
            return
        last = now


def counted_views(client: redis.Redis) -> int:
    """Every counted view is in the counter's all-time ranking: the sum of its scores."""
    from counter.manage import counted_views as total

    return total(client)


def send(base_url: str, request: Request) -> int:
    url = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(request.method, request.path, request.body, request.headers)
        reply = connection.getresponse()
        reply.read()
        return reply.status
    finally:
        connection.close()


def client_commands(
    client: redis.Redis, requests: int, make: Callable[[int], Request], base_url: str
) -> dict[str, float]:
    """Commands the stack sent to Redis (not counting those inside Lua) per request."""
    seen: Counter[str] = Counter()
    ready = threading.Event()

    def watch() -> None:
        with client.monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                text = command["command"]
                if text.startswith("ECHO") and SENTINEL in text:
                    return
                if command["client_type"] != "lua":
                    seen[text.split(" ", 1)[0].upper()] += 1

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ready.wait(5)
    for index in range(requests):
        status = send(base_url, make(index))
        if status >= 400:
            raise RuntimeError(f"sample request {index} answered {status}")
    client.echo(SENTINEL)
    watcher.join(10)
    seen.pop("ECHO", None)
    return {name: round(calls / requests, 2) for name, calls in sorted(seen.items())}
