"""What a consumer process reports to Prometheus: its own outcomes, and its groups' lag
and pending entries as Redis sees them (``XINFO GROUPS``), read when scraped."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from portalkit.apply_once import Outcome
from portalkit.events import DEAD_LETTER_STREAM
from portalkit.process_metrics import ProcessMetrics
from portalkit.streams import Consumer

log = logging.getLogger(__name__)

OUTCOMES = tuple(outcome.value for outcome in Outcome)
LAG_COUNT_MAX = 100_000
"""Counted lag stops here: a group that far behind is alarming enough."""


class ConsumerCollector(Collector):
    """Figures of the consumers of one process (each a stream read through a group)."""

    def __init__(self, consumers: Sequence[Consumer]) -> None:
        self.consumers = list(consumers)

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        labels = ["stream", "group"]
        events = CounterMetricFamily(
            "events_consumed",
            "Entries this process took from a stream, by outcome.",
            labels=[*labels, "outcome"],
        )
        reclaimed = CounterMetricFamily(
            "events_reclaimed",
            "Entries taken over after another consumer left them idle.",
            labels=labels,
        )
        for consumer in self.consumers:
            for outcome in OUTCOMES:
                events.add_metric(
                    [consumer.stream, consumer.group, outcome], consumer.stats[outcome]
                )
            reclaimed.add_metric([consumer.stream, consumer.group], consumer.stats["reclaimed"])
        yield events
        yield reclaimed
        try:
            yield from self._redis_figures()
        except redis.RedisError as exc:
            log.warning("stream figures unavailable: %s", exc)

    def _redis_figures(self) -> Iterator[Metric]:
        """Lag and pending of every group on the streams read here, not only this
        process's own: a group whose consumers are all down is still reported."""
        lag = GaugeMetricFamily(
            "events_group_lag",
            "Entries of the stream not yet delivered to the group.",
            labels=["stream", "group"],
        )
        pending = GaugeMetricFamily(
            "events_group_pending",
            "Entries delivered to the group and not yet acknowledged.",
            labels=["stream", "group"],
        )
        for stream in dict.fromkeys(consumer.stream for consumer in self.consumers):
            client = self.consumers[0].client
            for group in stream_groups(client, stream):
                lag.add_metric([stream, group["name"]], group_lag(client, stream, group))
                pending.add_metric([stream, group["name"]], group["pending"])
        yield lag
        yield pending
        if self.consumers:
            dead = GaugeMetricFamily(
                "events_dead_letters", f"Entries waiting in {DEAD_LETTER_STREAM}."
            )
            dead.add_metric([], self.consumers[0].client.xlen(DEAD_LETTER_STREAM))
            yield dead


def stream_groups(client: redis.Redis, stream: str) -> list[dict]:
    """``XINFO GROUPS`` of the stream (none when the stream does not exist yet)."""
    try:
        return list(client.xinfo_groups(stream))
    except redis.exceptions.ResponseError:
        return []


def group_lag(client: redis.Redis, stream: str, group: dict) -> int:
    """Redis' own ``lag``; counted with ``XRANGE`` when Redis cannot tell (after a trim
    or a deletion in the unread part)."""
    if group.get("lag") is not None:
        return int(group["lag"])
    last = group["last-delivered-id"]
    return len(client.xrange(stream, min=f"({last}", max="+", count=LAG_COUNT_MAX))


def consumer_metrics(consumers: Sequence[Consumer]) -> ProcessMetrics:
    """The metrics of a consumer process (``run_process``'s ``metrics``)."""
    metrics = ProcessMetrics()
    metrics.register(ConsumerCollector(consumers))
    return metrics
