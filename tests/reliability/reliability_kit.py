"""Helpers of the reliability suite: one line of figures, PostgreSQL URLs."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

import pytest


def figures(name: str, **values: object) -> str:
    """One line of figures, e.g. ``sigkill: events=10000 lost=0``; printed and returned."""
    line = f"{name}: " + " ".join(f"{key}={value}" for key, value in values.items())
    print(line)
    return line


def postgres_url_or_skip() -> str:
    """TEST_DATABASE_URL; missing it skips locally and fails under CI=true."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_DATABASE_URL is not set; under CI the PostgreSQL run is mandatory")
        pytest.skip("TEST_DATABASE_URL is not set")
    return url


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


def via_port(url: str, host: str, port: int) -> str:
    """The same database URL, reached through ``host:port`` (a proxy)."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))
