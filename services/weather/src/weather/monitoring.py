"""The service's own figures on the API's /metrics, read from Redis at scrape time.

Fetching happens in the workers, which serve no HTTP; what they did is in Redis, so the
API reports it: fetch outcomes across all workers, each place's observation age, and
whether the provider's breaker is letting calls through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from weather.fetcher import Fetcher

log = logging.getLogger(__name__)


class WeatherCollector(Collector):
    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        fetcher = self.fetcher
        slugs = [place.slug for place in fetcher.settings.weather_locations]
        try:
            counts = fetcher.store.counts()
            latest = fetcher.store.latest_many(slugs)
            breaker = fetcher.breaker.state()
            now = fetcher.store.now()
        except redis.RedisError as exc:
            log.warning("weather figures unavailable: %s", exc)
            return
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
        for slug, obs in latest.items():
            if obs is not None:
                age.add_metric([slug], max(0.0, now - obs.fetched_ts))
        yield age
        state = GaugeMetricFamily(
            "weather_breaker_open",
            "1 while the provider's circuit breaker is open or half-open.",
            labels=["provider"],
        )
        state.add_metric([fetcher.provider.name], 0 if breaker == "closed" else 1)
        yield state
