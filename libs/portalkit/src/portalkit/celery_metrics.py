"""Metrics of a service's Celery worker and beat, served on ``METRICS_PORT`` when set.

A worker serves what its pool's children count (prometheus_client's multiprocess mode,
set up before the pool forks) and the service's collectors; a beat serves the collectors
and one of its own, made from the running scheduler.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from celery.signals import beat_init, worker_init
from prometheus_client import CollectorRegistry
from prometheus_client.registry import Collector

from portalkit.config import CommonSettings
from portalkit.process_metrics import forked_registry, serve_metrics

SchedulerCollector = Callable[[Any], Collector]
"""Makes a collector from the beat's scheduler (e.g. whether it holds the beat lock)."""


def serve_celery_metrics(
    service: str,
    settings: CommonSettings,
    collectors: Sequence[Collector] = (),
    beat_collector: SchedulerCollector | None = None,
) -> None:
    """Serve metrics from this service's worker and beat once they start.

    Connect it before the beat scheduler's module is imported: its own ``beat_init``
    receivers (redbeat's lock) may wait, and metrics should not wait with them.
    """

    def on_worker_init(**_: object) -> None:
        if settings.metrics_port:
            serve_metrics(settings, forked_registry(*collectors), f"{service}-worker")

    def on_beat_init(sender: Any = None, **_: object) -> None:
        if not settings.metrics_port:
            return
        registry = CollectorRegistry()
        for collector in collectors:
            registry.register(collector)
        if beat_collector is not None and sender is not None:
            registry.register(beat_collector(sender.scheduler))
        serve_metrics(settings, registry, f"{service}-beat")

    worker_init.connect(on_worker_init, weak=False)
    beat_init.connect(on_beat_init, weak=False)
