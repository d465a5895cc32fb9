"""Celery bound to a Flask app (every task runs inside an application context), for the
services that run a worker. Only those services depend on Celery, and Celery itself is
imported only when an app is made: a process that reads settings here does not load
it (about 6 MB and 150 modules)."""

from __future__ import annotations

import logging
import ssl
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Flask

if TYPE_CHECKING:
    from celery import Celery

from portalkit.logging import configure_logging


def broker_url(redis_url: str) -> str:
    """``REDIS_URL`` as kombu spells it: a unix socket is ``redis+socket://path``, its
    database number the ``virtual_host`` parameter."""
    parsed = urlsplit(redis_url)
    if parsed.scheme != "unix":
        return redis_url
    query = [(k, v) for k, v in parse_qsl(parsed.query) if k != "db"]
    query.append(("virtual_host", dict(parse_qsl(parsed.query)).get("db", "0")))
    return f"redis+socket://{parsed.netloc}{parsed.path}?{urlencode(query)}"


def broker_tls(redis_url: str) -> dict[str, Any] | None:
    """Certificate checks on for ``rediss://``."""
    return {"ssl_cert_reqs": ssl.CERT_REQUIRED} if redis_url.startswith("rediss:") else None


def flask_celery(app: Flask) -> Celery:
    """A Celery app configured from ``app.config["CELERY"]`` whose tasks run inside
    ``app``'s context; the service keeps it in its own typed slot."""
    from celery import Celery, Task

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    return celery_app


def log_as_json(service: str) -> None:
    """Make a worker or beat of ``service`` log JSON lines like every other process."""
    from celery.signals import setup_logging

    def configure(loglevel: Any = None, **_: Any) -> None:
        if isinstance(loglevel, int):
            loglevel = logging.getLevelName(loglevel)
        configure_logging(service, str(loglevel or "INFO").upper())

    setup_logging.connect(configure, weak=False)
