"""The Celery configuration of the ``articles-worker`` (queue ``media``).

Celery's keys carry the ``articles:celery:`` prefix. A job is acknowledged when it ends
(late acknowledgement), so the job of a worker killed mid-way goes back to the queue
once ``MEDIA_JOB_TIMEOUT_S`` plus a margin has passed (the visibility timeout), for
another worker or the restarted one; a job runs at most ``MEDIA_JOB_TIMEOUT_S``.
"""

from __future__ import annotations

from typing import Any

from articles.settings import Settings
from portalkit.celery_app import broker_tls, broker_url

QUEUE = "media"
VISIBILITY_MARGIN_S = 5


def celery_config(settings: Settings) -> dict[str, Any]:
    timeout = settings.media_job_timeout_s
    visibility = timeout + VISIBILITY_MARGIN_S
    return {
        "broker_url": broker_url(settings.redis_url),
        "broker_use_ssl": broker_tls(settings.redis_url),
        "broker_transport_options": {
            "global_keyprefix": "articles:celery:",
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1, min(10, visibility // 4)),
            "unacked_restore_throttle": 1,
        },
        "broker_connection_retry_on_startup": True,
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        "task_ignore_result": True,
        "result_expires": None,
        "task_default_queue": QUEUE,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": timeout,
        "task_time_limit": timeout + VISIBILITY_MARGIN_S - 1,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "timezone": "UTC",
        "include": ["articles.media.tasks"],
    }
