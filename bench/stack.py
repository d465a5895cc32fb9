"""The stack under test: a bench-owned Redis, a SQLite database, and the HTTP servers.

Every app is served once by each server kind measured (gunicorn, granian), each by the
command line the Procfile and the Dockerfile use for it, with the environment passed
through (so ``WEB_CONCURRENCY``/``HTTP_THREADS``, where set, apply alike to services
and baselines; unset, each app has its own shape or the defaults, as deployed) and, as
in docker-compose.yml, ``PROMETHEUS_MULTIPROC_DIR`` set so /metrics merges the workers.
The web served by one kind calls the APIs served by the same kind.
"""

from __future__ import annotations

import compileall
import logging
import os
import secrets
import sysconfig
from pathlib import Path

from bench import content
from bench.processes import ROOT, Redis, Server
from bench.scenarios import Content

log = logging.getLogger("bench")

APPS = {
    "articles": "articles.app:create_app()",
    "counter": "counter.app:create_app()",
    "weather": "weather.app:create_app()",
    "web": "web.app:create_app()",
    "bare": "bench.baselines:bare_app()",
    "incr": "bench.baselines:incr_app()",
    "vote": "bench.baselines:vote_app()",
}
READY_PATHS = {"bare": "/", "incr": "/", "vote": "/"}
START_ORDER = ("articles", "counter", "weather", "web", "bare", "incr", "vote")


class Stack:
    """Starts what the chosen scenarios need; :meth:`stop` ends every process it started."""

    def __init__(
        self, work_dir: Path, servers: set[str], extra_articles: int, kinds: tuple[str, ...]
    ) -> None:
        self.work_dir = work_dir
        self.extra_articles = extra_articles
        self.kinds = kinds
        if extra_articles:
            servers = {*servers, "articles"}
        self.wanted = [name for name in START_ORDER if name in servers]
        self.token = secrets.token_urlsafe(18)
        self.redis: Redis | None = None
        self.servers: dict[tuple[str, str], Server] = {}
        """By (kind, app name)."""
        self.content: Content | None = None

    def env(self, kind: str) -> dict[str, str]:
        assert self.redis is not None
        env = {
            **os.environ,
            "REDIS_URL": self.redis.url,
            "DATABASE_URL": f"sqlite:///{self.work_dir / 'articles.db'}",
            "API_TOKENS": f"bench:{self.token}",
            "PYTHONUNBUFFERED": "1",
            # As deployed (Compose's .env, the Kubernetes settings): links are written
            # from the portal's own address, not from each request's Host.
            "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://localhost:8080"),
        }
        for name in ("articles", "counter", "weather"):
            if (kind, name) in self.servers:
                env[f"{name.upper()}_URL"] = self.servers[kind, name].url
        return env

    def server(self, kind: str, name: str) -> Server:
        return self.servers[kind, name]

    def start(self) -> Content:
        compile_sources()
        self.redis = Redis(self.work_dir)
        first = self.kinds[0]
        content.prepare_database(self.env(first))
        for kind in self.kinds:
            for name in self.wanted:
                env = self.env(kind)
                self.servers[kind, name] = Server(kind, name, APPS[name], self.work_dir, env)
        for (_kind, name), server in self.servers.items():
            server.wait_ready(READY_PATHS.get(name, "/healthz"))
        if self.extra_articles:
            articles = self.servers[first, "articles"].url
            content.add_articles(articles, self.token, self.extra_articles)
        env = self.env(first)
        content.announce(env)
        content.teach_counter(env)
        content.observe_weather(env)
        articles = content.published_articles(self.redis.client)
        if not articles:
            raise RuntimeError("no published article after seeding; nothing to measure")
        self.content = Content(articles, self.token)
        return self.content

    def pids(self) -> list[int]:
        """Every process of the stack: Redis, and each server's main process and workers."""
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


def compile_sources() -> None:
    """Write the bytecode of every module the servers import, as the image has it
    (the Dockerfile's ``UV_COMPILE_BYTECODE``; ``make setup`` does it for the
    dependencies). Where ``PYTHONDONTWRITEBYTECODE`` is set and none was written, each
    worker compiled every module it imported at start, and kept the freed heap: about
    8 MiB of each worker's resident memory (BENCHMARKS.md). Files already compiled
    are only checked."""
    folders = [sysconfig.get_paths()["purelib"], ROOT / "libs", ROOT / "services", ROOT / "bench"]
    for folder in folders:
        if not compileall.compile_dir(folder, quiet=1, workers=0):
            log.warning("some modules under %s did not compile (see above)", folder)
