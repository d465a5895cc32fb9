"""Fixtures every suite shares: a real, test-owned Redis server."""

from __future__ import annotations

import os

import pytest
import redis

from support.servers import RedisServer

# Under CI a missing dependency fails its test, and any skip fails the run.
pytest_plugins = ("support.ci",)


@pytest.fixture(scope="session")
def redis_server():
    """One redis-server for the session, owned by the tests (the developer's is left alone)."""
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def redis_url(redis_server) -> str:
    """The URL of an empty Redis database."""
    client = redis.Redis(port=redis_server.port)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def redis_client(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def pytest_configure(config):
    os.environ.setdefault("LOG_LEVEL", "WARNING")
