"""Celery bound to the Flask app: every task runs inside an application context.

The broker is ``REDIS_URL``; Celery's own keys carry the ``weather:celery:`` prefix and
redbeat's ``weather:redbeat:``, so they sit apart from the service's data. Beat asks
several times an interval for the places still due (see ``Settings.tick_s``).
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from flask import Flask

from portalkit.celery_app import broker_tls, broker_url, flask_celery, log_as_json
from weather import extensions
from weather.fetcher import worst_case_fetch_s
from weather.settings import Settings


def celery_config(settings: Settings) -> dict[str, Any]:
    tick = settings.tick_s
    tls = broker_tls(settings.redis_url)
    return {
        "broker_url": broker_url(settings.redis_url),
        # Rides out a full or read-only Redis (a unix socket URL names kombu's own).
        "broker_transport": "weather.broker:Transport",
        "broker_use_ssl": tls,
        "redbeat_redis_use_ssl": tls,
        "broker_transport_options": {"global_keyprefix": "weather:celery:"},
        "broker_connection_retry_on_startup": True,
        # A worker waits out a Redis outage of any length rather than exiting.
        "broker_connection_max_retries": None,
        "task_ignore_result": True,
        "result_expires": None,
        "task_default_queue": "weather",
        "task_acks_late": False,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": int(worst_case_fetch_s(settings) + 60),
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "timezone": "UTC",
        "include": ["weather.tasks"],
        "beat_schedule": {
            "weather-refresh-due": {
                "task": "weather.refresh_due",
                "schedule": tick,
                "options": {"expires": tick},
            }
        },
        "beat_max_loop_interval": tick,
        "redbeat_redis_url": settings.redis_url,
        "redbeat_redis_options": {},
        "redbeat_key_prefix": "weather:redbeat:",
        "redbeat_lock_timeout": max(10, int(5 * tick)),
    }


def celery_init_app(app: Flask) -> Celery:
    """The Celery app of this Flask app (read back with ``weather.extensions.celery_app``)."""
    return extensions.celery_app.init_app(app, flask_celery(app))


log_as_json("weather")
