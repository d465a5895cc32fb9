"""The stack under test: a bench-owned Redis, a SQLite database, and gunicorn servers.

Each service is served by the Procfile's and Dockerfiles' command line, with the
environment passed through (so ``WEB_CONCURRENCY``/``GUNICORN_THREADS`` apply alike to
services and baselines) and, as in docker-compose.yml, ``PROMETHEUS_MULTIPROC_DIR`` set
so /metrics merges the workers. The baselines are served by the same gunicorn settings.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bench import content
from bench.processes import Gunicorn, Redis
from bench.scenarios import Content

APPS = {
    "articles": "articles.app:create_app()",
    "counter": "counter.app:create_app()",
    "weather": "weather.app:create_app()",
    "web": "web.app:create_app()",
    "bare": "bench.baselines:bare_app()",
    "incr": "bench.baselines:incr_app()",
}
READY_PATHS = {"bare": "/", "incr": "/"}
START_ORDER = ("articles", "counter", "weather", "web", "bare", "incr")


class Stack:
    """Starts what the chosen scenarios need; :meth:`stop` ends every process it started."""

    def __init__(self, work_dir: Path, servers: set[str], extra_articles: int) -> None:
        self.work_dir = work_dir
        self.extra_articles = extra_articles
        if extra_articles:
            servers = {*servers, "articles"}
        self.wanted = [name for name in START_ORDER if name in servers]
        self.token = secrets.token_urlsafe(18)
        self.redis: Redis | None = None
        self.servers: dict[str, Gunicorn] = {}
        self.content: Content | None = None

    def env(self) -> dict[str, str]:
        assert self.redis is not None
        env = {
            **os.environ,
            "REDIS_URL": self.redis.url,
            "DATABASE_URL": f"sqlite:///{self.work_dir / 'articles.db'}",
            "API_TOKENS": f"bench:{self.token}",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("articles", "counter", "weather"):
            if name in self.servers:
                env[f"{name.upper()}_URL"] = self.servers[name].url
        return env

    def start(self) -> Content:
        self.redis = Redis(self.work_dir)
        content.prepare_database(self.env())
        for name in self.wanted:
            self.servers[name] = Gunicorn(name, APPS[name], self.work_dir, self.env())
        for name, server in self.servers.items():
            server.wait_ready(READY_PATHS.get(name, "/healthz"))
        if self.extra_articles:
            content.add_articles(self.servers["articles"].url, self.token, self.extra_articles)
        env = self.env()
        content.announce(env)
        content.teach_counter(env)
        content.observe_weather(env)
        articles = content.published_articles(self.redis.client)
        if not articles:
            raise RuntimeError("no published article after seeding; nothing to measure")
        self.content = Content(articles, self.token)
        return self.content

    def pids(self) -> list[int]:
        """Every process of the stack: Redis, and each server's master and workers."""
        pids = [self.redis.pid] if self.redis else []
        for server in self.servers.values():
            pids += [server.pid, *server.workers()]
        return pids

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        if self.redis is not None:
            self.redis.client.close()
            self.redis.stop()
