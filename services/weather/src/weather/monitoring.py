"""The service's own figures, read from Redis at scrape time.

Fetching happens in the workers; what they did is in Redis, so the API, the workers and
the beat can all report it: fetch outcomes across all workers (the API only), each
place's observation age and staleness, and the state of the provider's breaker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from weather.fetcher import Fetcher

log = logging.getLogger(__name__)

BREAKER_STATES = ("closed", "open", "half-open")


class WeatherCollector(Collector):
    def __init__(self, fetcher: Fetcher, fetch_totals: bool = True) -> None:
        self.fetcher = fetcher
        self.fetch_totals = fetch_totals

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        fetcher = self.fetcher
        slugs = [place.slug for place in fetcher.settings.weather_locations]
        try:
            counts = fetcher.store.counts() if self.fetch_totals else {}
            latest = fetcher.store.latest_many(slugs)
            breaker = fetcher.breaker.state()
            now = fetcher.store.now()
        except redis.RedisError as exc:
            log.warning("weather figures unavailable: %s", exc)
            return
        if self.fetch_totals:
            fetches = CounterMetricFamily(
                "weather_fetches", "Fetches by outcome, across all workers.", labels=["outcome"]
            )
            for outcome, value in sorted(counts.items()):
                fetches.add_metric([outcome], value)
            yield fetches
        age = GaugeMetricFamily(
            "weather_observation_age_seconds",
            "Seconds since the last good fetch of each place.",
            labels=["location"],
        )
        stale = GaugeMetricFamily(
            "weather_observation_stale",
            "1 when a place has no good fetch younger than three intervals (served as stale).",
            labels=["location"],
        )
        for slug, obs in latest.items():
            waited = None if obs is None else max(0.0, now - obs.fetched_ts)
            if waited is not None:
                age.add_metric([slug], waited)
            too_old = waited is None or waited > fetcher.settings.stale_after_s
            stale.add_metric([slug], 1 if too_old else 0)
        yield age
        yield stale
        provider = fetcher.provider.name
        state = GaugeMetricFamily(
            "weather_breaker_open",
            "1 while the provider's circuit breaker is open or half-open.",
            labels=["provider"],
        )
        state.add_metric([provider], 0 if breaker == "closed" else 1)
        yield state
        states = GaugeMetricFamily(
            "weather_breaker_state",
            "The provider's circuit breaker: 1 for its current state, 0 for the others.",
            labels=["provider", "state"],
        )
        for name in BREAKER_STATES:
            states.add_metric([provider, name], 1 if breaker == name else 0)
        yield states
