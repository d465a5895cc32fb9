"""The service's Redis keys, all under ``weather:``.

- ``weather:obs:<slug>``: the last good observation (JSON).
- ``weather:history:<slug>``: the last ``history_len`` observations, newest first.
- ``weather:guard:<slug>:<interval>``: taken by the one fetch of that place in that interval.
- ``weather:refresh``: held while a manual refresh is under way (deduplicates refreshes).
- ``weather:cooldown:<provider>``: until when (store clock) nobody asks it, after a 429.
- ``weather:backoff:<provider>``: 429s without ``Retry-After`` in a row (see backoff.py).
- ``weather:breaker:<provider>:*``: the shared circuit breaker (see breaker.py).
- ``weather:stats:fetches``: fetch outcomes counted by every worker (for /metrics).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

import redis

from portalkit.events import WeatherUpdated
from portalkit.recent import RecentReads
from portalkit.streams import EventBus
from weather.backoff import WINDOWS_S
from weather.providers import Reading

log = logging.getLogger(__name__)

ANSWER_CLOCK_REFRESH_S = 5.0
"""How often the answering clock (:meth:`WeatherStore.answer_now`) reads Redis' time."""

STORED_RECHECK_S = 1.0
"""How long the API answers from the observation it last read from Redis
(:meth:`WeatherStore.recent_stored`). The fetcher stores one every few minutes, so a
reader sees a new one at most a second late, and a busy API asks Redis once a second
per place and process instead of once per request."""

PREFIX = "weather"
READING_FIELDS = tuple(f.name for f in fields(Reading))

_BACK_OFF = """
local now = tonumber(ARGV[1])
local until_ts = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < until_ts then return tostring(until_ts - now) end
local windows = cjson.decode(ARGV[2])
local streak = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 2 * windows[#windows])
local step = math.max(math.min(streak, #windows), tonumber(ARGV[3]))
local wait = windows[step] - math.fmod(now, windows[step]) + 1
redis.call('SET', KEYS[1], tostring(now + wait), 'PX', math.ceil(wait * 1000))
return tostring(wait)
"""


@dataclass(frozen=True)
class Observation:
    """A stored observation: a provider's reading of a place, and when we fetched it.

    Stored as one flat JSON object (the reading's fields beside the others).
    """

    location: str
    reading: Reading
    fetched_at: str
    fetched_ts: float
    source: str
    interval: int | None = None

    @classmethod
    def from_json(cls, text: str) -> Observation:
        """Read a stored observation; fields a later version added are ignored."""
        data = json.loads(text)
        return cls(
            location=data["location"],
            reading=Reading(**{name: data[name] for name in READING_FIELDS}),
            fetched_at=data["fetched_at"],
            fetched_ts=data["fetched_ts"],
            source=data["source"],
            interval=data.get("interval"),
        )

    def to_json(self) -> str:
        flat = {"location": self.location, **asdict(self.reading)}
        flat.update(
            fetched_at=self.fetched_at,
            fetched_ts=self.fetched_ts,
            source=self.source,
            interval=self.interval,
        )
        return json.dumps(flat, ensure_ascii=False, separators=(",", ":"))


class WeatherStore:
    def __init__(
        self,
        client: redis.Redis,
        bus: EventBus,
        history_len: int = 96,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.client = client
        self.bus = bus
        self.history_len = history_len
        self.clock = clock or self.redis_time
        self._answer_base: tuple[float, float] | None = None  # (monotonic, Redis' time)
        self._recent = RecentReads[str | None](STORED_RECHECK_S)  # by place slug
        self._back_off = client.register_script(_BACK_OFF)

    # clock and intervals ----------------------------------------------------------

    def redis_time(self) -> float:
        """Redis' clock, one for every worker and beat whatever their hosts' clocks say."""
        seconds, micros = self.client.time()
        return seconds + micros / 1_000_000

    def now(self) -> float:
        """The store's clock (Redis' unless another was given): intervals, fetch times,
        ages and cooldowns are all read on it."""
        return self.clock()

    def answer_now(self) -> float:
        """The store's clock for answers (is an observation stale?), without a round trip
        per request: Redis' time is read at most every ``ANSWER_CLOCK_REFRESH_S`` seconds
        and the time since is added from the local monotonic clock, a drift of
        microseconds against staleness measured in minutes. Fetches, guards and
        cooldowns read :meth:`now`."""
        if self.clock != self.redis_time:  # another clock was given (tests move theirs)
            return self.clock()
        now = time.monotonic()
        base = self._answer_base
        if base is None or now - base[0] >= ANSWER_CLOCK_REFRESH_S:
            base = (now, self.redis_time())
            self._answer_base = base
        return base[1] + (now - base[0])

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
        """Ask ``provider`` nothing for ``seconds`` (a ``Retry-After`` it sent)."""
        until = self.now() + seconds
        self.client.set(
            f"{PREFIX}:cooldown:{provider}", repr(until), px=max(1, math.ceil(seconds * 1000))
        )

    def back_off(self, provider: str, named_step: int = 0) -> float:
        """After a 429 without ``Retry-After``: ask nothing for the rest of the window of
        this step (minute, hour, day as they repeat; ``named_step`` when the reply named
        its window). A 429 that arrives while a back-off already runs (a request sent
        before it began) does not escalate. The seconds to wait."""
        keys = [f"{PREFIX}:cooldown:{provider}", f"{PREFIX}:backoff:{provider}"]
        wait = self._back_off(keys=keys, args=[repr(self.now()), json.dumps(WINDOWS_S), named_step])
        return float(wait)

    def clear_back_off(self, provider: str) -> None:
        """A good answer: the next 429 starts again from the shortest window."""
        self.client.delete(f"{PREFIX}:backoff:{provider}")

    def cooling_down(self, provider: str) -> bool:
        until = self.client.get(f"{PREFIX}:cooldown:{provider}")
        return until is not None and float(until) > self.now()

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
                observed_at=observation.reading.observed_at,
                fetched_at=observation.fetched_at,
            ),
            pipe,
        )
        pipe.execute()
        self._recent.forget(slug)

    def latest(self, slug: str) -> Observation | None:
        return self.parse(self.latest_stored(slug), slug)

    def latest_stored(self, slug: str) -> str | None:
        """The latest observation as stored, unparsed (see :meth:`parse`)."""
        return self.client.get(f"{PREFIX}:obs:{slug}")

    def recent_stored(self, slug: str) -> str | None:
        """:meth:`latest_stored` as read at most ``STORED_RECHECK_S`` ago (what the API
        answers). A :meth:`save` through this store is seen at once."""
        return self._recent.read(slug, lambda: self.latest_stored(slug))

    def latest_many(self, slugs: list[str]) -> dict[str, Observation | None]:
        if not slugs:
            return {}
        texts = self.client.mget([f"{PREFIX}:obs:{slug}" for slug in slugs])
        return {slug: self.parse(text, slug) for slug, text in zip(slugs, texts, strict=True)}

    def history(self, slug: str) -> list[Observation]:
        texts = self.client.lrange(f"{PREFIX}:history:{slug}", 0, -1)
        return [obs for obs in (self.parse(text, slug) for text in texts) if obs is not None]

    @staticmethod
    def parse(text: Any, slug: str) -> Observation | None:
        if text is None:
            return None
        try:
            return Observation.from_json(text)
        except (AttributeError, KeyError, TypeError, ValueError):
            log.error("unreadable stored observation", extra={"location": slug})
            return None
