"""Fetching a place: the one function beat's tasks, manual refreshes and tests all call.

Per place and interval only the fetch that takes the guard asks the provider, however
many beats and workers run. A manual refresh skips that check but takes the guard, so
the schedule does not fetch the place again in the same interval. A reply that fails
validation, like any failure, leaves the last good observation as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import redis

from portalkit.http_client import Session
from portalkit.streams import EventBus
from weather.breaker import Permit, SharedBreaker
from weather.providers import Provider, ProviderError, ProviderRateLimited
from weather.providers.open_meteo import OpenMeteo
from weather.providers.openweathermap import OpenWeatherMap
from weather.providers.transport import Transport
from weather.settings import Settings
from weather.store import Observation, WeatherStore

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    LATE = "late"
    UNKNOWN_PLACE = "unknown-place"
    COOLDOWN = "cooldown"
    BREAKER_OPEN = "breaker-open"
    RATE_LIMITED = "rate-limited"
    FAILED = "failed"


def make_provider(settings: Settings) -> Provider:
    session = Session(
        timeout=(settings.weather_connect_timeout_s, settings.weather_read_timeout_s),
        user_agent="yenbai-portal-weather/1.0",
    )
    transport = Transport(
        session=session,
        retries=settings.weather_retries,
        backoff_s=settings.weather_backoff_s,
        backoff_max_s=settings.weather_backoff_max_s,
        retry_after_max_s=settings.weather_retry_after_max_s,
    )
    if settings.weather_provider == "openweathermap":
        return OpenWeatherMap(
            settings.openweathermap_url, settings.openweathermap_api_key, transport
        )
    return OpenMeteo(settings.open_meteo_url, transport)


def worst_case_fetch_s(settings: Settings) -> float:
    """How long one fetch can take at most (timeouts, backoff, Retry-After waits)."""
    attempts = settings.weather_retries + 1
    per_attempt = settings.weather_connect_timeout_s + settings.weather_read_timeout_s
    waits = settings.weather_retries * max(
        settings.weather_backoff_max_s, settings.weather_retry_after_max_s
    )
    return attempts * per_attempt * 2 + waits


@dataclass
class Fetcher:
    settings: Settings
    store: WeatherStore
    provider: Provider
    breaker: SharedBreaker

    @classmethod
    def build(cls, settings: Settings, client: redis.Redis) -> Fetcher:
        provider = make_provider(settings)
        breaker = SharedBreaker(
            client,
            provider.name,
            fail_max=settings.weather_breaker_fail_max,
            reset_s=settings.weather_breaker_reset_s,
            probe_lease_s=worst_case_fetch_s(settings),
        )
        store = WeatherStore(client, EventBus(client, settings.stream_maxlen))
        store.history_len = settings.weather_history_len
        return cls(settings, store, provider, breaker)

    def current_interval(self) -> tuple[int, float]:
        """The interval number now, and the seconds left in it."""
        return self.store.interval_at(self.store.now(), self.settings.weather_interval_s)

    def due(self, interval: int) -> list[str]:
        """The places nobody has fetched yet in ``interval``."""
        slugs = [place.slug for place in self.settings.weather_locations]
        return self.store.unclaimed(slugs, interval)

    def fetch(self, slug: str, interval: int | None = None, *, force: bool = False) -> Outcome:
        """Fetch one place once for ``interval`` (the current one when None).

        A fetch queued for an interval that has ended is dropped. The task's expiry
        drops most; this check, on Redis' clock, catches those that hosts' clocks let by.
        Every outcome is counted in Redis, for /metrics of the API.
        """
        outcome = self._fetch(slug, interval, force)
        self.store.count(outcome)
        return outcome

    def _fetch(self, slug: str, interval: int | None, force: bool) -> Outcome:
        location = self.settings.location(slug)
        if location is None:
            return Outcome.UNKNOWN_PLACE
        current, _ = self.current_interval()
        if interval is None:
            interval = current
        elif interval < current and not force:
            return Outcome.LATE
        guard_ttl = 2 * self.settings.weather_interval_s + 1
        if force:
            self.store.mark(slug, interval, guard_ttl)
        elif not self.store.claim(slug, interval, guard_ttl):
            return Outcome.DUPLICATE
        name = self.provider.name
        if self.store.cooling_down(name):
            return Outcome.COOLDOWN
        permit = self.breaker.allow()
        if permit is Permit.OPEN:
            log.info("breaker open; not asking the provider", extra={"location": slug})
            return Outcome.BREAKER_OPEN
        try:
            reading = self.provider.fetch(location, retry=permit is not Permit.PROBE)
        except ProviderRateLimited as exc:
            self.breaker.record_failure()
            self.store.cool_down(name, exc.retry_after)
            log.warning(
                "provider rate limited us",
                extra={"location": slug, "retry_after_s": exc.retry_after},
            )
            return Outcome.RATE_LIMITED
        except ProviderError as exc:
            opened = self.breaker.record_failure()
            log.warning(
                "fetch failed; the last good observation stays",
                extra={"location": slug, "reason": str(exc), "breaker_opened": opened},
            )
            return Outcome.FAILED
        self.breaker.record_success()
        fetched = datetime.now(UTC)
        self.store.save(
            Observation(
                location=slug,
                temperature_c=reading.temperature_c,
                temp_min_c=reading.temp_min_c,
                temp_max_c=reading.temp_max_c,
                weather_code=reading.weather_code,
                pressure_hpa=reading.pressure_hpa,
                humidity_pct=reading.humidity_pct,
                wind_kmh=reading.wind_kmh,
                observed_at=reading.observed_at,
                fetched_at=fetched.isoformat(timespec="seconds"),
                fetched_ts=fetched.timestamp(),
                source=name,
                interval=interval,
            )
        )
        return Outcome.STORED
