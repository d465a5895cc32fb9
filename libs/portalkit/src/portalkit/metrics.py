"""Prometheus metrics: requests by endpoint and status, latency, and each service's own."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "Metrics"]


class Metrics:
    """One registry per app, so several apps can live in one test process.

    With several workers, set ``PROMETHEUS_MULTIPROC_DIR`` and the exposition merges
    every worker's figures; a dead worker's live gauges are dropped at each scrape.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self._scrape_time: list[Collector] = []
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests by endpoint, method and status.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency by endpoint.",
            ["endpoint"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )

    def child(self, metric: MetricWrapperBase, *labels: str) -> Any:
        """``metric.labels(*labels)``, remembered: the hot path skips its checks and lock."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children.setdefault(key, metric.labels(*labels))
        return found

    def counter(self, name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(f"{self.service}_{name}", doc, list(labels), registry=self.registry)

    def gauge(self, name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(f"{self.service}_{name}", doc, list(labels), registry=self.registry)

    def register(self, collector: Collector) -> None:
        """Add a collector that reads its figures at scrape time (e.g. from Redis)."""
        self.registry.register(collector)
        self._scrape_time.append(collector)

    def render(self) -> bytes:
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if folder:
            forget_dead_workers(folder)
            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged)
            for collector in self._scrape_time:
                merged.register(collector)
            return generate_latest(merged)
        return generate_latest(self.registry)


def forget_dead_workers(folder: str) -> None:
    """Drop the live gauges of workers that are gone (crashed, or replaced by the server);
    their counters and histograms stay, so totals never go down."""
    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = path.stem.rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
