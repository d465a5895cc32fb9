"""The outbox's backlog for Prometheus, read from the database when scraped.

Both the relay and the API report it, so an outbox that no relay drains still shows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from articles import outbox
from articles.db import Database

log = logging.getLogger(__name__)


class OutboxCollector(Collector):
    def __init__(self, database: Database) -> None:
        self.database = database

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        try:
            with self.database.single_read() as connection:
                count, oldest = outbox.backlog(connection)
        except SQLAlchemyError as exc:
            log.warning("outbox figures unavailable: %s", exc)
            return
        pending = GaugeMetricFamily(
            "articles_outbox_pending_events", "Outbox events written and not yet sent."
        )
        pending.add_metric([], count)
        yield pending
        age = GaugeMetricFamily(
            "articles_outbox_oldest_age_seconds",
            "Seconds the oldest unsent outbox event has waited (0 when none waits).",
        )
        age.add_metric([], waited_s(oldest))
        yield age


def waited_s(written: datetime | None) -> float:
    if written is None:
        return 0.0
    if written.tzinfo is None:
        written = written.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - written).total_seconds())
