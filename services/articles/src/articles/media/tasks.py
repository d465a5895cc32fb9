"""Celery tasks of the ``articles-worker``: thin wrappers that retry what can pass."""

from __future__ import annotations

import redis
from celery import Task, shared_task
from kombu.exceptions import OperationalError
from sqlalchemy.exc import DBAPIError

from articles.media import jobs
from articles.media.services import media_services
from articles.media.storage import StorageUnavailable

PASSING = (StorageUnavailable, DBAPIError, redis.exceptions.RedisError, OperationalError)


def _backoff(task: Task) -> float:
    return min(30.0, 2.0**task.request.retries)


@shared_task(name="articles.media.render", bind=True, ignore_result=True, max_retries=8)
def render_media(self: Task, media_id: int) -> str:
    """Make the renditions of one photo (see :func:`articles.media.jobs.render`)."""
    try:
        return jobs.render(media_services(), media_id)
    except jobs.NotYetCommitted as exc:
        raise self.retry(exc=exc, countdown=0.5, max_retries=20) from None
    except PASSING as exc:
        raise self.retry(exc=exc, countdown=_backoff(self)) from None


@shared_task(name="articles.media.purge", bind=True, ignore_result=True, max_retries=8)
def purge_media(self: Task, sha256: str, width: int) -> bool:
    """Delete a deleted photo's files when no record names them any more."""
    try:
        return jobs.purge(media_services(), sha256, width)
    except PASSING as exc:
        raise self.retry(exc=exc, countdown=_backoff(self)) from None
