"""The whole Procfile stack behind the gateway's nginx, shaped like docker-compose.yml.

Every process of the Procfile runs its own command line on a free loopback port; Redis
wants a password and keeps an append-only file, as in Compose; the articles database
is SQLite, then PostgreSQL (``TEST_DATABASE_URL``, in a schema of its own that is
dropped at the end; required under CI); the weather provider is the local fake. The
HTTP services run under gunicorn with SQLite and under granian (the default) with
PostgreSQL, the production pair, so the whole suite passes under each ``HTTP_SERVER``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import redis
import requests

from support.databases import postgres_url_or_skip as postgres_url
from support.gateway import Gateway
from support.servers import RedisServer, wait_until
from support.stack import HTTP_PROCESSES, Stack, procfile

REDIS_PASSWORD = "e2e-redis-password"


def wait_ready(stack: Stack, timeout: float = 120) -> None:
    """Every HTTP process answers /healthz; stop at once if any process exits.

    Nine processes boot together on a shared machine, hence the generous timeout.
    """
    waiting = set(HTTP_PROCESSES)

    def ready() -> bool:
        for name, proc in stack.processes.items():
            if not proc.alive():
                pytest.fail(f"{name} exited:\n{proc.output()[-3000:]}")
        for name in sorted(waiting):
            try:
                reply = requests.get(stack.url(name) + "/healthz", timeout=2)
            except requests.RequestException:
                continue
            if reply.status_code == 200:
                waiting.discard(name)
        return not waiting

    wait_until(ready, timeout=timeout, interval=0.2)


SHAPES = [("sqlite", "gunicorn"), ("postgresql", "granian")]
"""(database, HTTP_SERVER) pairs the whole suite runs with."""


@pytest.fixture(scope="package", params=SHAPES, ids=["-".join(shape) for shape in SHAPES])
def shape(request) -> tuple[str, str]:
    return request.param


@pytest.fixture(scope="package")
def http_server(shape) -> str:
    return shape[1]


@pytest.fixture(scope="package")
def database_url(shape, tmp_path_factory) -> Iterator[str]:
    if shape[0] == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'articles.db'}"
        return
    from sqlalchemy import create_engine, text

    from articles.db import normalize_url

    base = postgres_url()
    schema = f"e2e_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(base))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="package")
def portal_redis() -> Iterator[RedisServer]:
    """A redis-server like Compose's: requirepass, AOF with appendfsync everysec."""
    server = RedisServer(
        "--appendonly", "yes", "--appendfsync", "everysec", password=REDIS_PASSWORD
    ).start()
    yield server
    server.cleanup()


@pytest.fixture(scope="package")
def stack(tmp_path_factory, portal_redis, database_url, http_server) -> Iterator[Stack]:
    """Every Procfile process, once per database for the e2e package, on an empty Redis."""
    client = redis.Redis.from_url(portal_redis.url)
    client.flushall()
    client.close()
    workdir = tmp_path_factory.mktemp("e2e-stack")
    running = Stack(
        workdir,
        portal_redis.url,
        database_url,
        env={
            "COUNTER_SALT_SECRET": "e2e-counter-salt",
            "SECRET_KEY": "e2e-web-secret-key-0123456789",
            "FORWARDED_ALLOW_IPS": "*",
            "PAGE_CACHE_S": "2",  # the story's reader sees their own view sooner than in 10 s
            "HTTP_SERVER": http_server,
            "NEWSROOM_PROXY_HOPS": "1",  # behind the gateway, as in Compose
        },
    )
    try:
        running.migrate()
        running.start(*procfile(), wait=False)
        wait_ready(running)
        yield running
    finally:
        running.close()


@pytest.fixture(scope="package")
def gateway(tmp_path_factory, stack) -> Iterator[Gateway]:
    """The gateway's nginx in front of the stack, as Compose runs it in front of services."""
    proxy = Gateway(
        tmp_path_factory.mktemp("e2e-gateway"),
        {name: f"127.0.0.1:{stack.ports[name]}" for name in HTTP_PROCESSES},
    )
    yield proxy.start()
    proxy.stop()
