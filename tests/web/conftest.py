"""Fixtures for the web front's server-side tests.

The web app runs in-process (Flask's test client) against real services: the Procfile
stack on free ports for what must answer, and a reserved but closed port for a service
that is down.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from web import create_app
from web.settings import Settings


@pytest.fixture
def closed_url() -> Iterator[str]:
    """A URL nothing answers on: the port is bound (so nobody else takes it) but not listening."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture
def make_app(redis_url: str, closed_url: str) -> Callable[..., Flask]:
    """An app whose services are all down unless a URL is given."""

    def make(**overrides: object) -> Flask:
        values = {
            "redis_url": redis_url,
            "articles_url": closed_url,
            "counter_url": closed_url,
            "weather_url": closed_url,
            **overrides,
        }
        app = create_app(Settings(**values))
        app.config["TESTING"] = True
        return app

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask):
    return app.test_client()
