"""Prometheus metrics of a process that serves no HTTP of its own (relay, consumers,
Celery worker and beat), on ``METRICS_PORT`` when it is set.

A Celery worker forks its pool: figures counted in the children are merged through
prometheus_client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``; one of the
process's own is made when unset).
"""

from __future__ import annotations

import logging
import os
import tempfile

from prometheus_client import CollectorRegistry, Counter, Gauge, multiprocess, start_http_server
from prometheus_client import values as prometheus_values
from prometheus_client.registry import Collector

from portalkit.config import CommonSettings

log = logging.getLogger(__name__)


class ProcessMetrics:
    """One registry for one process (or one test): its counters and scrape-time collectors."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)

    def counter(self, name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(name, doc, list(labels), registry=self.registry)

    def gauge(self, name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, list(labels), registry=self.registry)

    def register(self, collector: Collector) -> None:
        """Add a collector that reads its figures when scraped (e.g. from Redis)."""
        self.registry.register(collector)


def serve_metrics(
    settings: CommonSettings, registry: CollectorRegistry, process: str
) -> int | None:
    """Serve ``registry`` on ``METRICS_PORT`` (``BIND_HOST``); the port, or None when unset."""
    if not settings.metrics_port:
        return None
    server, _thread = start_http_server(
        settings.metrics_port, addr=settings.bind_host, registry=registry
    )
    port = int(server.server_port)
    log.info("serving metrics", extra={"metrics_of": process, "port": port})
    return port


def forked_registry(*collectors: Collector) -> CollectorRegistry:
    """A registry merging what every process forked from this one counts, plus ``collectors``.

    Call it in the parent before the children start. Counters the children make after
    that (with ``registry=None``) are written to the multiprocess directory.
    """
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")
        # prometheus_client picks its value store at import; figures made from now on
        # (in this process and its children) go to the directory.
        prometheus_values.ValueClass = prometheus_values.MultiProcessValue()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    for collector in collectors:
        registry.register(collector)
    return registry
