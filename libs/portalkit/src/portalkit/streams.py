"""The event bus on Redis Streams.

Publishing is one ``XADD`` with an approximate ``MAXLEN``. Consuming goes through a
consumer group: an entry is acknowledged only after its handler succeeded; entries
left pending (a handler that raised, a consumer that died) are taken over with
``XAUTOCLAIM`` once idle; an entry delivered more than ``max_deliveries`` times, or
one that is not a valid event, is copied to ``events:dead`` and acknowledged.

Order per entity. Entries of one stream reach a group's consumers in order, but are
not always applied in order: two consumers work on neighbouring batches at once, and an
entry left pending by a dead consumer is applied only when reclaimed, after later ones.
For a consumer given ``entity_of`` (e.g. the article an event is about), an entry is
applied only if the stream holds no later entry for the same entity within the next
``lookahead`` entries; otherwise it is superseded: recorded as done and acknowledged
without running the handler, since the later entry decides the entity's state. The
look-ahead is one ``XRANGE`` per batch; it covers neighbouring batches of concurrent
consumers (``lookahead_new``) and what arrives while a dead consumer's entries idle
before they are reclaimed (``lookahead_reclaimed``).

Redelivery is made harmless by an idempotency record per group: the handler is given
a transactional pipeline, and the bus adds to that same ``MULTI`` both the record
``<prefix>:events:done:<group>:<event id>`` and the ``XACK``. A handler whose effects are
Redis writes queued on the pipeline therefore takes effect exactly once. A handler
with effects elsewhere must make them idempotent itself (a cache delete is).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from portalkit.events import DEAD_LETTER_STREAM, Event, MalformedEvent, from_fields, to_fields
from portalkit.redis_client import UNAVAILABLE

log = logging.getLogger(__name__)

Handler = Callable[[Event, "redis.client.Pipeline"], None]


class EventBus:
    """Publishes events to their stream."""

    def __init__(self, client: redis.Redis, maxlen: int = 1_000_000) -> None:
        self.client = client
        self.maxlen = maxlen

    def publish(self, event: Event, pipe: redis.client.Pipeline | None = None) -> str | None:
        """Append an event; with ``pipe`` the XADD is queued there and None is returned."""
        target = pipe if pipe is not None else self.client
        entry_id = target.xadd(event.stream, to_fields(event), maxlen=self.maxlen, approximate=True)
        return None if pipe is not None else entry_id


@dataclass
class ConsumerStats:
    handled: int = 0
    duplicates: int = 0
    superseded: int = 0
    failures: int = 0
    dead: int = 0
    reclaimed: int = 0


def default_consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class Consumer:
    """Reads one stream through one consumer group and hands each event to ``handler``."""

    client: redis.Redis
    stream: str
    group: str
    handler: Handler
    key_prefix: str
    name: str = field(default_factory=default_consumer_name)
    start_id: str = "0"
    batch: int = 100
    block_ms: int = 1000
    claim_idle_ms: int = 15_000
    max_deliveries: int = 5
    done_ttl_s: int = 7 * 24 * 3600
    dead_maxlen: int = 100_000
    entity_of: Callable[[Event], str | None] | None = None
    lookahead_new: int = 1_000
    lookahead_reclaimed: int = 10_000
    stats: ConsumerStats = field(default_factory=ConsumerStats)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._last_claim = 0.0

    # lifecycle -----------------------------------------------------------------

    def stop(self, *_: object) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def ensure_group(self) -> None:
        """Create the group (and the stream) unless it exists."""
        try:
            self.client.xgroup_create(self.stream, self.group, id=self.start_id, mkstream=True)
            log.info("created consumer group", extra={"stream": self.stream, "group": self.group})
        except redis.exceptions.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def run(self) -> None:
        """Consume until :meth:`stop` (or SIGTERM); survives Redis restarts and flushes."""
        log.info("consumer starting", extra={"stream": self.stream, "group": self.group})
        backoff = 0.2
        group_ready = False
        while not self.stopping:
            try:
                if not group_ready:
                    self.ensure_group()
                    group_ready = True
                self.poll()
                backoff = 0.2
            except redis.exceptions.ResponseError as exc:
                if "NOGROUP" in str(exc):
                    log.warning(
                        "consumer group missing; recreating it", extra={"group": self.group}
                    )
                    group_ready = False
                    continue
                raise
            except UNAVAILABLE as exc:
                log.warning("redis unavailable: %s", exc)
                group_ready = False
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        log.info("consumer stopped", extra={"stream": self.stream, "group": self.group})

    # one round ------------------------------------------------------------------

    def poll(self) -> int:
        """Reclaim idle entries when due, then read new ones; returns entries handled."""
        count = 0
        now = time.monotonic()
        if now - self._last_claim >= min(self.claim_idle_ms / 1000, 5.0):
            self._last_claim = now
            count += self.reclaim()
        reply = self.client.xreadgroup(
            self.group, self.name, {self.stream: ">"}, count=self.batch, block=self.block_ms
        )
        for _stream, entries in reply or []:
            newest = self._newest_by_entity(entries, self.lookahead_new)
            for entry_id, fields in entries:
                self._process(entry_id, fields, deliveries=1, newest=newest)
                count += 1
        return count

    def reclaim(self) -> int:
        """Take over entries idle longer than ``claim_idle_ms`` (ours or a dead consumer's)."""
        handled = 0
        cursor = "0-0"
        while not self.stopping:
            result = self.client.xautoclaim(
                self.stream,
                self.group,
                self.name,
                min_idle_time=self.claim_idle_ms,
                start_id=cursor,
                count=self.batch,
            )
            cursor, entries = result[0], result[1]
            entries = [(eid, f) for eid, f in entries if f is not None]
            if entries:
                counts = self._delivery_counts([eid for eid, _ in entries])
                newest = self._newest_by_entity(entries, self.lookahead_reclaimed)
                self.stats.reclaimed += len(entries)
                for entry_id, fields in entries:
                    deliveries = counts.get(entry_id, 1)
                    self._process(entry_id, fields, deliveries=deliveries, newest=newest)
                    handled += 1
            if cursor in ("0-0", b"0-0"):
                break
        return handled

    def _delivery_counts(self, ids: list[str]) -> dict[str, int]:
        rows = self.client.xpending_range(
            self.stream,
            self.group,
            min=ids[0],
            max=ids[-1],
            count=len(ids) + 100,
            consumername=self.name,
        )
        return {row["message_id"]: row["times_delivered"] for row in rows}

    def _newest_by_entity(
        self, entries: list[tuple[str, dict[str, str]]], lookahead: int
    ) -> dict[str, tuple[int, int]]:
        """Entity -> its newest entry id, from the first of ``entries`` on."""
        if self.entity_of is None or not entries:
            return {}
        newest: dict[str, tuple[int, int]] = {}
        cursor = min(entries, key=lambda entry: _entry_key(entry[0]))[0]
        fetched = 0
        while fetched < lookahead:
            chunk = self.client.xrange(
                self.stream, min=cursor, max="+", count=min(1000, lookahead - fetched)
            )
            for entry_id, fields in chunk:
                try:
                    entity = self.entity_of(from_fields(fields))
                except MalformedEvent:
                    continue
                if entity is not None:
                    newest[entity] = _entry_key(entry_id)
            fetched += len(chunk)
            if len(chunk) < 1000:
                break
            cursor = "(" + chunk[-1][0]
        return newest

    # one entry ------------------------------------------------------------------

    def done_key(self, event_id: str) -> str:
        return f"{self.key_prefix}:events:done:{self.group}:{event_id}"

    def _process(
        self,
        entry_id: str,
        fields: dict[str, str],
        deliveries: int,
        newest: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        try:
            event = from_fields(fields)
        except MalformedEvent as exc:
            self._dead_letter(entry_id, fields, f"malformed: {exc}")
            return
        if deliveries > self.max_deliveries:
            self._dead_letter(entry_id, fields, f"failed {deliveries - 1} deliveries")
            return
        done_key = self.done_key(event.id)
        with self.client.pipeline(transaction=True) as pipe:
            # WATCH makes the record a guard, not just a hint: a slow consumer and the
            # one that reclaimed its entry cannot both commit the same event.
            pipe.watch(done_key)
            if pipe.exists(done_key):
                pipe.unwatch()
                self._duplicate(entry_id)
                return
            pipe.multi()
            entity = self.entity_of(event) if self.entity_of is not None else None
            superseded = (
                entity is not None
                and newest is not None
                and (newest.get(entity, (0, 0)) > _entry_key(entry_id))
            )
            try:
                if not superseded:
                    self.handler(event, pipe)
            except UNAVAILABLE:
                raise
            except Exception:
                self.stats.failures += 1
                log.exception(
                    "event handler failed; entry stays pending",
                    extra={
                        "entry_id": entry_id,
                        "event_type": event.type,
                        "deliveries": deliveries,
                    },
                )
                return
            pipe.set(done_key, entry_id, ex=self.done_ttl_s)
            pipe.xack(self.stream, self.group, entry_id)
            try:
                pipe.execute()
            except redis.exceptions.WatchError:
                self._duplicate(entry_id)
                return
        if superseded:
            self.stats.superseded += 1
        else:
            self.stats.handled += 1

    def _duplicate(self, entry_id: str) -> None:
        self.client.xack(self.stream, self.group, entry_id)
        self.stats.duplicates += 1

    def _dead_letter(self, entry_id: str, fields: dict[str, str], reason: str) -> None:
        dead = {f"original_{k}": v for k, v in fields.items()}
        dead.update(
            {"stream": self.stream, "group": self.group, "entry_id": entry_id, "reason": reason}
        )
        pipe = self.client.pipeline(transaction=True)
        pipe.xadd(DEAD_LETTER_STREAM, dead, maxlen=self.dead_maxlen, approximate=True)
        pipe.xack(self.stream, self.group, entry_id)
        pipe.execute()
        self.stats.dead += 1
        log.error("event moved to dead letters", extra={"entry_id": entry_id, "reason": reason})


def _entry_key(entry_id: str) -> tuple[int, int]:
    millis, _, seq = entry_id.partition("-")
    return int(millis), int(seq or 0)


def publish_all(bus: EventBus, events: list[Event]) -> list[str]:
    """Publish several events in one round trip (in order)."""
    pipe = bus.client.pipeline(transaction=False)
    for event in events:
        bus.publish(event, pipe)
    return list(pipe.execute())


__all__ = ["Consumer", "ConsumerStats", "EventBus", "Handler", "publish_all", "to_fields"]
