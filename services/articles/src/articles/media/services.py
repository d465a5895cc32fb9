"""What photo handling needs from the app, built once per process: settings, database,
storage, and Redis for the per-photo lock; and the job queue, made when first used."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import redis
from flask import Flask, current_app

from articles.celery_app import celery_config
from articles.db import Database
from articles.media.storage import Storage, StorageUnavailable, open_storage
from articles.settings import Settings
from portalkit.extensions import AppSlot
from portalkit.redis_client import connect

if TYPE_CHECKING:
    from celery import Celery, Task


class QueueUnavailable(Exception):
    """The job queue did not take a job: its broker (Redis) is out of reach."""


MEDIA_UNAVAILABLE = (StorageUnavailable, QueueUnavailable)
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
    """Bind photo handling and the Celery settings (the API queues jobs, the worker runs
    them); the Celery app is made by :func:`job_queue` when first needed."""
    services = MediaServices(
        settings,
        database,
        open_storage(settings.media_storage, settings.s3_endpoint_url, settings.s3_credentials),
        connect(settings.redis_url),
    )
    media_services.init_app(app, services)
    app.config["CELERY"] = celery_config(settings)
    return services


_queue_made = threading.Lock()


def job_queue(app: Flask | None = None) -> Celery:
    """The Celery app of ``app`` (of this request's, when None), made on first use. An
    API process that never queues a job never loads Celery (about 6 MB of each worker);
    the worker makes it at start (``articles.make_celery``)."""
    target: Flask = current_app._get_current_object() if app is None else app  # type: ignore[attr-defined]
    queue = target.extensions.get(celery_app.key)
    if queue is None:
        with _queue_made:
            queue = target.extensions.get(celery_app.key)
            if queue is None:
                from portalkit.celery_app import flask_celery

                queue = celery_app.init_app(target, flask_celery(target))
    return queue


def media_tasks() -> ModuleType:
    """``articles.media.tasks``, once this app's job queue is made (its tasks are queued
    through the app's Celery, never a default one)."""
    job_queue()
    from articles.media import tasks

    return tasks


def queue_job(task: Task, *args: Any) -> None:
    """Queue ``task`` (one of :func:`media_tasks`) with ``args``; raises
    :class:`QueueUnavailable` when the broker does not take it. Its error is kombu's,
    imported here, where Celery is already loaded: a worker that never queues a job
    loads neither (kombu and py-amqp are 22 modules, about 0.6 MiB of each worker).
    """
    from kombu.exceptions import OperationalError

    try:
        task.apply_async(args)
    except OperationalError as exc:
        raise QueueUnavailable(f"the job queue did not take {task.name}: {exc}") from exc


media_services = AppSlot[MediaServices]("articles.media")
"""The app's photo handling: ``media_services()`` in a request or task."""
celery_app = AppSlot["Celery"]("celery")
"""Under the key Flask's Celery pattern uses (``celery -A articles.make_celery``)."""
