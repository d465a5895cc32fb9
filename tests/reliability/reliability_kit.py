"""Helpers of the reliability suite: one line of figures, PostgreSQL URLs."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def figures(name: str, **values: object) -> str:
    """One line of figures, e.g. ``sigkill: events=10000 lost=0``; printed and returned."""
    line = f"{name}: " + " ".join(f"{key}={value}" for key, value in values.items())
    print(line)
    return line


def via_port(url: str, host: str, port: int) -> str:
    """The same database URL, reached through ``host:port`` (a proxy)."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))
