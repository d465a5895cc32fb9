"""Fetching a place: the one function beat's tasks, manual refreshes and tests all call.

Per place and interval only the fetch that takes the guard asks the provider, however
many beats and workers run. A manual refresh skips that check but takes the guard, so
the schedule does not fetch the place again in the same interval. Any failure leaves
the last good observation as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import redis

from portalkit.http_client import Session
from portalkit.streams import EventBus
from weather.backoff import window_named
from weather.breaker import Permit, SharedBreaker
from weather.day_range import whole_day
from weather.locations import Location
from weather.providers import Provider, ProviderError, ProviderRateLimited, Reading
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
        if self.store.cooling_down(self.provider.name):
            return Outcome.COOLDOWN
        permit = self.breaker.allow()
        if permit is Permit.OPEN:
            log.info("breaker open; not asking the provider", extra={"location": slug})
            return Outcome.BREAKER_OPEN
        reading = self._ask(location, permit)
        if isinstance(reading, Outcome):
            return reading
        self._save(slug, reading, interval)
        return Outcome.STORED

    def _ask(self, location: Location, permit: Permit) -> Reading | Outcome:
        """The provider's reading, or the outcome of its failure (counted by the breaker)."""
        try:
            reading = self.provider.fetch(location, retry=permit is not Permit.PROBE)
        except ProviderRateLimited as exc:
            self.breaker.record_failure()
            wait = self._rate_limited(exc)
            log.warning(
                "provider rate limited us; backing off",
                extra={"location": location.slug, "wait_s": round(wait, 1), "reason": exc.reason},
            )
            return Outcome.RATE_LIMITED
        except ProviderError as exc:
            opened = self.breaker.record_failure()
            log.warning(
                "fetch failed; the last good observation stays",
                extra={"location": location.slug, "reason": str(exc), "breaker_opened": opened},
            )
            return Outcome.FAILED
        self.breaker.record_success()
        self.store.clear_back_off(self.provider.name)
        return reading

    def _rate_limited(self, exc: ProviderRateLimited) -> float:
        """Stop every worker asking: for the time the provider named, else for the rest of
        its rate window (backoff.py). The seconds to wait."""
        if exc.retry_after is not None:
            self.store.cool_down(self.provider.name, exc.retry_after)
            return exc.retry_after
        return self.store.back_off(self.provider.name, window_named(exc.reason))

    def _save(self, slug: str, reading: Reading, interval: int) -> None:
        if self.provider.day_range_from_forecast:
            reading = whole_day(reading, (obs.reading for obs in self.store.history(slug)))
        now = self.store.now()
        self.store.save(
            Observation(
                location=slug,
                reading=reading,
                fetched_at=datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
                fetched_ts=now,
                source=self.provider.name,
                interval=interval,
            )
        )
