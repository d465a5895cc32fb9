"""Ports for processes about to be started: ``make run``'s services, the tests' and the
bench's servers.

A port is chosen now and bound seconds later, by a process that is still importing its
code. A port from the kernel's ephemeral range (``bind`` to port 0) can in the meantime
become the local end of any outgoing connection on the machine (to Redis, PostgreSQL,
another service), and the later ``bind`` then fails: a Celery worker's metrics server,
which binds from a signal handler, logged the error and served nothing. So the ports
handed out here come from below that range, which the kernel never hands out on its own,
and each is checked free when it is chosen.

Processes that choose ports side by side (the test suite's workers, each starting
servers of its own) would otherwise pick from the same candidates: ``PORTS_SLICE``
("<index>/<count>", e.g. ``1/2``) gives each its own share, every count-th port from
the index-th, so no two of them can hand out the same port. The processes they start
inherit it.
"""

from __future__ import annotations

import functools
import os
import random
import socket
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LINUX_EPHEMERAL = (32768, 60999)
"""Linux's default range, where ``EPHEMERAL_RANGE`` cannot be read."""
LOWEST = 10_000
"""Below this, ports are left to well-known and registered servers (PostgreSQL 5432,
Redis 6379, ...)."""
ATTEMPTS = 1_000
SLICE_SETTING = "PORTS_SLICE"

_handed_out: set[int] = set()


@functools.cache
def ephemeral_range(path: Path = EPHEMERAL_RANGE) -> tuple[int, int]:
    """The ports the kernel picks from for outgoing connections and ``bind`` to port 0
    (read once)."""
    try:
        low, high = (int(part) for part in path.read_text().split())
    except (OSError, ValueError):
        return LINUX_EPHEMERAL
    return low, high


def port_slice(value: str | None) -> tuple[int, int]:
    """``PORTS_SLICE``'s "<index>/<count>" as numbers; (0, 1), every port, where unset."""
    if not value or not value.strip():
        return 0, 1
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise ValueError(f"{SLICE_SETTING} must be <index>/<count>, not {value!r}") from None
    if not 0 <= index < count:
        raise ValueError(f"{SLICE_SETTING} {value!r}: the index must be from 0 to count - 1")
    return index, count


def _candidates() -> range:
    """The wider side of the ephemeral range, above ``LOWEST`` (empty if there is none),
    this process' slice of it."""
    low, high = ephemeral_range()
    below, above = range(LOWEST, low), range(high + 1, 65_536)
    index, count = port_slice(os.environ.get(SLICE_SETTING))
    return (below if len(below) >= len(above) else above)[index::count]


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing is bound to, outside the ephemeral range (the kernel's pick where the
    range leaves no other), and never one this process handed out before (its server may
    still be starting)."""
    candidates = _candidates()
    for _ in range(ATTEMPTS):
        with socket.socket() as sock:
            try:
                sock.bind((host, random.choice(candidates) if candidates else 0))
            except OSError:
                continue
            port = int(sock.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port among {len(candidates)} outside the ephemeral range")
