"""What the ``articles-worker`` serves on ``METRICS_PORT``: photo jobs by outcome,
counted in the worker's pool when each job ends."""

from __future__ import annotations

import functools
from typing import Any

from celery.signals import task_postrun
from prometheus_client import Counter

from articles.settings import Settings
from portalkit.celery_metrics import serve_celery_metrics

JOBS = {"articles.media.render": "render", "articles.media.purge": "purge"}


@functools.cache
def media_jobs() -> Counter:
    """Made on first use, in the pool's child, so the figure reaches the worker's server."""
    return Counter(
        "articles_media_jobs",
        "Photo jobs that ended, by job and outcome (a photo's status after rendering; "
        "purged or kept; retried; error).",
        ["job", "outcome"],
        registry=None,
    )


def outcome_of(job: str, state: str, result: Any) -> str:
    """A bounded label for how a job ended."""
    if state == "RETRY":
        return "retried"
    if state != "SUCCESS":
        return "error"
    if job == "purge":
        return "purged" if result else "kept"
    return result if result in {"ready", "failed", "deleted", "processing"} else "other"


def _count(task: Any = None, state: str = "", retval: Any = None, **_: object) -> None:
    job = JOBS.get(getattr(task, "name", ""))
    if job is not None:
        media_jobs().labels(job, outcome_of(job, state, retval)).inc()


def serve_media_metrics(settings: Settings) -> None:
    """Count jobs as they end, and serve the counts once the worker starts."""
    task_postrun.connect(_count, weak=False)
    serve_celery_metrics("articles", settings)
