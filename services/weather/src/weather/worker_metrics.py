"""What the weather worker and beat serve on ``METRICS_PORT``: fetches by provider and
outcome (counted in the worker's pool), the places' freshness and the breaker (from
Redis), and whether this beat holds redbeat's lock."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from flask import Flask
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from portalkit.celery_metrics import serve_celery_metrics
from weather import extensions
from weather.monitoring import WeatherCollector


@functools.cache
def fetches() -> Counter:
    """Made on first use, in the pool's child, so the figure reaches the worker's server."""
    return Counter(
        "weather_worker_fetches",
        "Fetches this worker ran, by provider and outcome.",
        ["provider", "outcome"],
        registry=None,
    )


class BeatLockCollector(Collector):
    """``weather_beat_lock_held``: 1 for the beat that holds redbeat's lock and schedules."""

    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        held = GaugeMetricFamily(
            "weather_beat_lock_held", "1 while this beat holds the schedule's lock."
        )
        held.add_metric([], 1 if getattr(self.scheduler, "lock", None) is not None else 0)
        yield held


def serve_weather_metrics(app: Flask) -> None:
    """Serve the worker's or the beat's metrics once Celery starts it."""
    fetcher = extensions.weather_fetcher(app)
    serve_celery_metrics(
        "weather",
        fetcher.settings,
        [WeatherCollector(fetcher, fetch_totals=False)],
        BeatLockCollector,
    )
