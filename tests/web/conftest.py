"""Fixtures for the web front's server-side tests.

The web app runs in-process (Flask's test client) against real services: the Procfile
stack on free ports for what must answer, and a reserved but closed port for a service
that is down.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
import requests
from flask import Flask

from support.portal_content import Content
from support.servers import RedisServer, wait_until
from support.stack import Stack
from web import extensions as web_extensions
from web.app import create_app
from web.settings import Settings

SERVICES = (
    "articles",
    "articles-relay",
    "articles-worker",
    "counter",
    "counter-consumer",
    "weather",
    "weather-worker",
    "weather-beat",
)


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


# --- the real services: the Procfile stack on free ports ------------------------------


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """articles, counter and weather (with relay, consumer, worker, beat) on their own Redis."""
    redis_server = RedisServer().start()
    portal = Stack(tmp_path_factory.mktemp("stack"), redis_server.url, env={"RANKING_CACHE_S": "1"})
    try:
        portal.migrate()
        portal.start(*SERVICES)
        yield portal
    finally:
        portal.close()
        redis_server.cleanup()


@pytest.fixture(scope="session")
def content(stack: Stack) -> Content:
    """Sample categories and articles, published and known to the counter."""
    made = Content.publish(stack)
    made.wait_until_consumed()
    wait_for_weather(stack)
    return made


def wait_for_weather(stack: Stack) -> None:
    """Until the worker has fetched the default place from the fake provider."""
    try:
        wait_until(
            lambda: requests.get(stack.url("weather") + "/v1/weather", timeout=2).ok, 60, 0.2
        )
    except AssertionError:
        logs = "\n".join(f"--- {n}\n{stack.output(n)[-2000:]}" for n in SERVICES[5:])
        raise AssertionError(f"no weather reading:\n{logs}") from None


@pytest.fixture
def live_app(make_app, stack: Stack, content: Content) -> Flask:
    """The web app in-process, reading the real services, caching in the stack's Redis."""
    return make_app(
        redis_url=stack.env["REDIS_URL"],
        articles_url=stack.url("articles"),
        counter_url=stack.url("counter"),
        weather_url=stack.url("weather"),
        per_page=5,
        read_timeout_s=5.0,  # a busy shared test machine is not the outage under test
        page_cache_s=2,  # short, as RANKING_CACHE_S: a test waiting for a change waits little
    )


@pytest.fixture
def live(live_app: Flask):
    """A client of ``live_app`` that starts with an empty page cache."""
    cache = web_extensions.api_client(live_app).cache.client
    for key in cache.scan_iter("web:*"):
        cache.delete(key)
    return live_app.test_client()
