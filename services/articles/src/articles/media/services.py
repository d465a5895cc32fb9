"""What photo handling needs from the app, built once per process: settings, database,
storage, and Redis for the per-photo lock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import redis
from celery import Celery
from flask import Flask
from kombu.exceptions import OperationalError

from articles.celery_app import celery_config
from articles.db import Database
from articles.media.storage import Storage, StorageUnavailable, open_storage
from articles.settings import Settings
from portalkit.celery_app import flask_celery
from portalkit.extensions import AppSlot
from portalkit.redis_client import connect

MEDIA_UNAVAILABLE = (StorageUnavailable, OperationalError)
"""Failures that answer 503: the storage or the job queue (Redis) is down."""
LOCK_KEY = "articles:media:lock:{sha256}"


@dataclass
class MediaServices:
    settings: Settings
    database: Database
    storage: Storage
    redis: redis.Redis = field(repr=False)

    @contextmanager
    def files_of(self, sha256: str) -> Iterator[None]:
        """Hold the photo's files alone: making renditions and purging take turns."""
        timeout = self.settings.media_job_timeout_s
        lock = self.redis.lock(
            LOCK_KEY.format(sha256=sha256), timeout=timeout + 30, blocking_timeout=timeout
        )
        if not lock.acquire():
            raise redis.exceptions.LockError(f"the files of {sha256} stay busy")
        try:
            yield
        finally:
            with contextlib.suppress(redis.exceptions.LockError):
                lock.release()  # an expired lock: the work is idempotent


def init_media(app: Flask, settings: Settings, database: Database) -> MediaServices:
    """Bind photo handling and the Celery app (the API queues jobs, the worker runs them)."""
    services = MediaServices(
        settings,
        database,
        open_storage(settings.media_storage, settings.s3_endpoint_url, settings.s3_credentials),
        connect(settings.redis_url),
    )
    media_services.init_app(app, services)
    app.config["CELERY"] = celery_config(settings)
    celery_app.init_app(app, flask_celery(app))
    return services


media_services = AppSlot[MediaServices]("articles.media")
"""The app's photo handling: ``media_services()`` in a request or task."""
celery_app = AppSlot[Celery]("celery")
"""Under the key Flask's Celery pattern uses (``celery -A articles.make_celery``)."""
