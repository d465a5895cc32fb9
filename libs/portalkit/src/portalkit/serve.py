"""The one way every HTTP service is served: granian (the default) or gunicorn, one set of
settings for both.

``python -m portalkit.serve -b 127.0.0.1:8002 "counter.app:create_app()"`` (the Procfile's
and the Dockerfile's line); ``HTTP_SERVER=gunicorn`` picks the other server. Why granian,
and what each server does with each setting: docs/settings.md and BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portalkit.config import (
    SERVER_PID,
    ConfigError,
    boot_error_file,
    env,
    integer,
    log_level,
    number,
)

SERVERS = ("granian", "gunicorn")
GRANIAN_MAX_HEADER_TIMEOUT_S = 60.0
"""granian reads a request head for at most 60 s, whatever is asked."""
GRANIAN_READ_BUFFER = 8192
"""Bytes granian buffers of a connection: a request head larger than this is refused
with 431, as gunicorn refuses a header line over 8190 bytes."""


SHAPE = "HTTP_SERVER_SHAPE"
"""What a service's package may name, in its ``__init__``, to be served by its own number of
workers and threads: ``{"workers": 3, "threads": 3}`` (:func:`service_shape`)."""
SHAPE_FIELDS = ("workers", "threads")

APP_TARGET = "PORTALKIT_APP"
"""Where the server's process leaves the app's target for granian's workers to load."""


def load_app(target: str) -> Any:
    """The WSGI app of ``target`` (``module:app``, or ``module:factory()`` to call it),
    made in the worker that serves it (under either server), with what it made frozen
    (:func:`freeze_startup`)."""
    module_name, _, name = target.partition(":")
    found = getattr(importlib.import_module(module_name), name.removesuffix("()"))
    app = found() if name.endswith("()") else found
    freeze_startup()
    return app


def service_shape(target: str) -> dict[str, int]:
    """The workers and threads the package of ``target`` asks to be served with (its
    ``HTTP_SERVER_SHAPE``), or an empty dict: portalkit's defaults then apply.

    Only the package's ``__init__`` is imported here, not the app. What it asks for
    replaces the defaults of :class:`ServerSettings`, never a setting of the
    environment: ``WEB_CONCURRENCY`` and ``HTTP_THREADS``, where set, apply to every
    service alike. A service asks for its own shape when its requests spend their time
    differently from the others' (the counter's view waits on Redis; BENCHMARKS.md).
    """
    package = target.partition(":")[0].partition(".")[0]
    name = f"{package}.{SHAPE}"
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise ConfigError(name, None, f"cannot import {package} ({exc})") from exc
    shape = getattr(module, SHAPE, None) or {}
    if not isinstance(shape, Mapping):
        raise ConfigError(name, repr(shape), "expected a mapping of workers and threads")
    for field, value in shape.items():
        if field not in SHAPE_FIELDS:
            raise ConfigError(name, repr(dict(shape)), f"unknown {field!r} (workers, threads)")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(name, repr(dict(shape)), f"{field} must be a whole number >= 1")
    return dict(shape)


def served_app() -> Any:
    """granian's factory in each worker: the app of the target the server was given."""
    return load_app(os.environ[APP_TARGET])


def freeze_startup() -> None:
    """Leave what a worker made at start (modules, the app, its settings: some 140,000
    objects) out of the garbage collector's full passes.

    They live as long as the worker, but each full pass walked them all: about 100 ms of
    a worker's CPU with its GIL held, once every few batches of 1,000 views, once a few
    thousand requests otherwise (BENCHMARKS.md). Frozen, a full pass walks only what was
    made since; reference counting still frees what is dropped.
    """
    gc.collect()
    gc.freeze()


MALLOC_ARENAS = 2
"""glibc's malloc arenas per process (``MALLOC_ARENA_MAX``), when the environment sets none."""
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def limit_malloc_arenas(environ: Mapping[str, str]) -> bool:
    """Let a worker's threads share ``MALLOC_ARENAS`` heaps instead of one each.

    glibc's malloc gives each thread that contends for the heap an arena of its own (up
    to eight a core), and freed memory stays in the arena that held it; with four
    threads a worker, that holds megabytes resident that one shared heap would reuse
    (BENCHMARKS.md). Set in the server's process before it forks its workers, which
    inherit it. An operator's ``MALLOC_ARENA_MAX`` is left to glibc; without glibc
    (musl) nothing is done. Returns whether the limit was set here.
    """
    if environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        return bool(libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS))
    except (OSError, AttributeError):
        return False


def server_name(raw: str) -> str:
    name = raw.strip().lower()
    if name not in SERVERS:
        raise ValueError(f"expected one of {', '.join(SERVERS)}")
    return name


@dataclass(frozen=True)
class ServerSettings:
    """How a service's HTTP server runs; every field has a working default."""

    server: str = "granian"
    workers: int = 2
    threads: int = 4
    """Threads per worker that run the app (granian's blocking threads)."""
    read_timeout_s: float = 10.0
    """Seconds a client has to send a request head (and under gunicorn each read of a
    body); a slower one is disconnected."""
    keepalive_s: float = 5.0
    """gunicorn: seconds an idle kept-alive connection stays open; granian keeps it for
    ``read_timeout_s``. 0 turns keep-alive off under both."""
    graceful_timeout_s: float = 10.0
    """Seconds a stopping worker has to finish its requests before it is killed."""
    worker_timeout_s: int = 30
    """gunicorn only: a worker silent this long is killed and replaced."""
    max_requests: int = 0
    """gunicorn only: a worker is replaced after this many requests (0: never)."""
    forwarded_allow_ips: str = "127.0.0.1"
    log_level: str = "INFO"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, shape: Mapping[str, int] | None = None
    ) -> ServerSettings:
        """The settings of the environment; where it sets no number of workers or
        threads, those of ``shape`` (a service's own: :func:`service_shape`), else the
        defaults."""
        shape = shape or {}
        workers = shape.get("workers", cls.workers)
        threads = shape.get("threads", cls.threads)
        return cls(
            server=env("HTTP_SERVER", cls.server, server_name, environ),
            workers=env("WEB_CONCURRENCY", str(workers), integer(1, 256), environ),
            threads=env("HTTP_THREADS", str(threads), integer(1, 1024), environ),
            read_timeout_s=env(
                "HTTP_READ_TIMEOUT_S", str(cls.read_timeout_s), number(0.001), environ
            ),
            keepalive_s=env("HTTP_KEEPALIVE_S", str(cls.keepalive_s), number(0), environ),
            graceful_timeout_s=env(
                "HTTP_GRACEFUL_TIMEOUT_S", str(cls.graceful_timeout_s), number(1), environ
            ),
            worker_timeout_s=env(
                "GUNICORN_TIMEOUT", str(cls.worker_timeout_s), integer(1), environ
            ),
            max_requests=env("GUNICORN_MAX_REQUESTS", str(cls.max_requests), integer(0), environ),
            forwarded_allow_ips=env("FORWARDED_ALLOW_IPS", cls.forwarded_allow_ips, str, environ),
            log_level=env("LOG_LEVEL", cls.log_level, log_level, environ),
        )


def gunicorn_options(settings: ServerSettings, bind: str) -> dict[str, Any]:
    """gunicorn's settings: the threaded worker guarded against slow clients."""
    return {
        "bind": [bind],
        "workers": settings.workers,
        "threads": settings.threads,
        # gthread, except that a request reaches a thread only once its head has arrived,
        # and gunicorn's own errors are problem+json (portalkit/gunicorn_worker.py).
        "worker_class": "portalkit.gunicorn_worker.GuardedThreadWorker",
        "timeout": settings.worker_timeout_s,
        "graceful_timeout": max(1, round(settings.graceful_timeout_s)),
        "keepalive": round(settings.keepalive_s),
        "max_requests": settings.max_requests,
        "max_requests_jitter": settings.max_requests // 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        # The control socket defaults to one path per user, which several servers on one
        # host (the Procfile) would share; nothing here uses it.
        "control_socket_disable": True,
    }


def serve_gunicorn(target: str, bind: str, settings: ServerSettings) -> None:
    # gunicorn reads WEB_CONCURRENCY itself as it is imported, and fails on an empty
    # one, which portalkit takes as unset (settings has the number already).
    if os.environ.get("WEB_CONCURRENCY", "").strip() == "":
        os.environ.pop("WEB_CONCURRENCY", None)
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in gunicorn_options(settings, bind).items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return load_app(target)

    Application().run()


def granian_options(settings: ServerSettings, target: str, bind: str) -> dict[str, Any]:
    """granian's settings: WSGI, the app made in each worker (:func:`served_app`)."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    host, _, port = bind.rpartition(":")
    header_timeout_s = min(settings.read_timeout_s, GRANIAN_MAX_HEADER_TIMEOUT_S)
    return {
        "target": "portalkit.serve:served_app",  # loads APP_TARGET (serve_granian sets it)
        "factory": True,
        "address": host.strip("[]") or "127.0.0.1",
        "port": int(port),
        "interface": Interfaces.WSGI,
        "workers": settings.workers,
        "blocking_threads": settings.threads,
        "websockets": False,
        "http1_settings": HTTP1Settings(
            header_read_timeout=max(1, round(header_timeout_s * 1000)),
            keep_alive=settings.keepalive_s > 0,
            max_buffer_size=GRANIAN_READ_BUFFER,
        ),
        "respawn_failed_workers": True,
        "workers_kill_timeout": max(1, round(settings.graceful_timeout_s)),
        "log_level": LogLevels(settings.log_level.lower()),
        "log_dictconfig": json_log_config(settings.log_level),
        "log_access": False,
    }


def json_log_config(level: str) -> dict[str, Any]:
    """granian's own log lines as portalkit's: one JSON object per line on stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {
                    "asctime": "ts",
                    "levelname": "level",
                    "name": "logger",
                    "message": "msg",
                },
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            }
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {"_granian": {"handlers": ["stdout"], "level": level, "propagate": False}},
    }


def serve_granian(target: str, bind: str, settings: ServerSettings) -> None:
    """Serve until stopped; exit 2 when a worker stopped the server as it could not boot."""
    from granian.server import Server

    os.environ[SERVER_PID] = str(os.getpid())
    os.environ[APP_TARGET] = target
    failed = boot_error_file(os.getpid())
    failed.unlink(missing_ok=True)
    try:
        Server(**granian_options(settings, target, bind)).serve()
    except SystemExit:
        # granian exits 1 when a worker died while it was stopping: the other worker
        # that could not boot, when both fail at once. The reason still decides.
        if not failed.exists():
            raise
    if failed.exists():
        failed.unlink(missing_ok=True)
        raise SystemExit(2)


def clear_metrics_folder(environ: Mapping[str, str]) -> None:
    """The workers' Prometheus files of an earlier run are stale: start from none."""
    folder = environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and Path(folder).is_dir():
        for stale in Path(folder).glob("*.db"):
            stale.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portalkit.serve", description=__doc__)
    parser.add_argument("-b", "--bind", default="127.0.0.1:8000", help="host:port")
    parser.add_argument("target", help='the WSGI app, e.g. "counter.app:create_app()"')
    args = parser.parse_args(argv)
    try:
        settings = ServerSettings.from_env(shape=service_shape(args.target))
    except ConfigError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        raise SystemExit(2) from None
    clear_metrics_folder(os.environ)
    limit_malloc_arenas(os.environ)
    if settings.server == "gunicorn":
        serve_gunicorn(args.target, args.bind, settings)
    else:
        serve_granian(args.target, args.bind, settings)


if __name__ == "__main__":
    main()
