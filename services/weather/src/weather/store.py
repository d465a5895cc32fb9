"""The service's Redis keys, all under ``weather:``.

- ``weather:obs:<slug>``: the last good observation (JSON).
- ``weather:history:<slug>``: the last ``history_len`` observations, newest first.
- ``weather:guard:<slug>:<interval>``: taken by the one fetch of that place in that interval.
- ``weather:refresh``: held while a manual refresh is under way (deduplicates refreshes).
- ``weather:cooldown:<provider>``: set from a long ``Retry-After``; nobody asks until it expires.
- ``weather:breaker:<provider>:*``: the shared circuit breaker (see breaker.py).
- ``weather:stats:fetches``: fetch outcomes counted by every worker (for /metrics).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import redis

from portalkit.events import WeatherUpdated
from portalkit.streams import EventBus

log = logging.getLogger(__name__)

PREFIX = "weather"


@dataclass(frozen=True)
class Observation:
    """A stored observation: a provider's reading of a place, and when we fetched it."""

    location: str
    temperature_c: float
    temp_min_c: float | None
    temp_max_c: float | None
    weather_code: int | None
    pressure_hpa: float | None
    humidity_pct: float | None
    wind_kmh: float | None
    observed_at: str | None
    fetched_at: str
    fetched_ts: float
    source: str
    interval: int | None = None

    @classmethod
    def from_json(cls, text: str) -> Observation:
        """Read a stored observation; fields a later version added are ignored."""
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))


class WeatherStore:
    def __init__(self, client: redis.Redis, bus: EventBus, history_len: int = 48) -> None:
        self.client = client
        self.bus = bus
        self.history_len = history_len

    # clock and intervals ----------------------------------------------------------

    def now(self) -> float:
        """Redis' clock, one for every worker and beat whatever their hosts' clocks say."""
        seconds, micros = self.client.time()
        return seconds + micros / 1_000_000

    @staticmethod
    def interval_at(moment: float, interval_s: float) -> tuple[int, float]:
        """The interval number of ``moment`` and the seconds until it ends."""
        number = math.floor(moment / interval_s)
        return number, (number + 1) * interval_s - moment

    def claim(self, slug: str, interval: int, ttl_s: float) -> bool:
        """Take the place's guard for ``interval``; False when another fetch already has it."""
        key = f"{PREFIX}:guard:{slug}:{interval}"
        return bool(self.client.set(key, "1", nx=True, px=max(1, int(ttl_s * 1000))))

    def mark(self, slug: str, interval: int, ttl_s: float) -> None:
        """Take the guard whether or not it was taken (a manual refresh)."""
        self.client.set(f"{PREFIX}:guard:{slug}:{interval}", "1", px=max(1, int(ttl_s * 1000)))

    def unclaimed(self, slugs: list[str], interval: int) -> list[str]:
        pipe = self.client.pipeline(transaction=False)
        for slug in slugs:
            pipe.exists(f"{PREFIX}:guard:{slug}:{interval}")
        return [slug for slug, taken in zip(slugs, pipe.execute(), strict=True) if not taken]

    # manual refresh and provider cooldown ----------------------------------------

    def start_refresh(self, hold_s: float) -> bool:
        return bool(self.client.set(f"{PREFIX}:refresh", "1", nx=True, px=int(hold_s * 1000)))

    def end_refresh(self) -> None:
        self.client.delete(f"{PREFIX}:refresh")

    def cool_down(self, provider: str, seconds: float) -> None:
        self.client.set(f"{PREFIX}:cooldown:{provider}", "1", px=max(1, int(seconds * 1000)))

    def cooling_down(self, provider: str) -> bool:
        return bool(self.client.exists(f"{PREFIX}:cooldown:{provider}"))

    # counters -----------------------------------------------------------------------

    def count(self, outcome: str) -> None:
        self.client.hincrby(f"{PREFIX}:stats:fetches", str(outcome), 1)

    def counts(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.client.hgetall(f"{PREFIX}:stats:fetches").items()}

    # observations -----------------------------------------------------------------

    def save(self, observation: Observation) -> None:
        """Store the observation, keep the bounded history, publish ``weather.updated``:
        one MULTI, so readers never see one without the others."""
        slug = observation.location
        text = observation.to_json()
        pipe = self.client.pipeline(transaction=True)
        pipe.set(f"{PREFIX}:obs:{slug}", text)
        pipe.lpush(f"{PREFIX}:history:{slug}", text)
        pipe.ltrim(f"{PREFIX}:history:{slug}", 0, self.history_len - 1)
        self.bus.publish(
            WeatherUpdated(
                location=slug,
                observed_at=observation.observed_at,
                fetched_at=observation.fetched_at,
            ),
            pipe,
        )
        pipe.execute()

    def latest(self, slug: str) -> Observation | None:
        text = self.client.get(f"{PREFIX}:obs:{slug}")
        return self._parse(text, slug)

    def latest_many(self, slugs: list[str]) -> dict[str, Observation | None]:
        if not slugs:
            return {}
        texts = self.client.mget([f"{PREFIX}:obs:{slug}" for slug in slugs])
        return {slug: self._parse(text, slug) for slug, text in zip(slugs, texts, strict=True)}

    def history(self, slug: str) -> list[Observation]:
        texts = self.client.lrange(f"{PREFIX}:history:{slug}", 0, -1)
        return [obs for obs in (self._parse(text, slug) for text in texts) if obs is not None]

    @staticmethod
    def _parse(text: Any, slug: str) -> Observation | None:
        if text is None:
            return None
        try:
            return Observation.from_json(text)
        except (AttributeError, TypeError, ValueError):
            log.error("unreadable stored observation", extra={"location": slug})
            return None
