"""The event bus on Redis Streams: publishing, and consuming through a consumer group.

An entry is acknowledged only once applied (:mod:`portalkit.apply_once`); entries left
pending are reclaimed once idle; what cannot be applied goes to ``events:dead``. The
guarantees are in docs/events.md, the reasoning in docs/design-notes.md.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import redis

from portalkit.apply_once import EntryProcessor, Handler
from portalkit.dead_letters import DeadLetters
from portalkit.entity_order import EntityOf, EntryKey, entry_key, newest_by_entity
from portalkit.events import Event, to_fields
from portalkit.redis_errors import Backoff, Trouble, trouble

log = logging.getLogger(__name__)

_FIRST_BACKOFF_S, _LAST_BACKOFF_S = 0.2, 5.0


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


def publish_all(bus: EventBus, events: list[Event]) -> list[str]:
    """Publish several events in one round trip (in order)."""
    pipe = bus.client.pipeline(transaction=False)
    for event in events:
        bus.publish(event, pipe)
    return list(pipe.execute())


def default_consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class Consumer:
    """Reads one stream through one consumer group and hands each event to ``handler``.

    ``entity_of`` (e.g. the article an event is about) turns on order per entity: an
    entry followed within ``lookahead_*`` entries by a later one for the same entity is
    acknowledged without running the handler.
    """

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
    entity_of: EntityOf | None = None
    lookahead_new: int = 1_000
    lookahead_reclaimed: int = 10_000
    stats: Counter[str] = field(default_factory=Counter)
    """Entries by outcome (``handled``, ``duplicate``, ``superseded``, ``failed``, ``dead``)
    and ``reclaimed``."""

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._last_claim = 0.0
        self._last_read: str | None = None
        dead_letters = DeadLetters(self.client, self.stream, self.group, self.dead_maxlen)
        self.processor = EntryProcessor(self, dead_letters)

    # lifecycle -----------------------------------------------------------------

    def stop(self, *_: object) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def ensure_group(self) -> None:
        """Create the group (and the stream) unless it exists."""
        start = self._group_start()
        try:
            self.client.xgroup_create(self.stream, self.group, id=start, mkstream=True)
            log.info(
                "created consumer group",
                extra={"stream": self.stream, "group": self.group, "start": start},
            )
        except redis.exceptions.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _group_start(self) -> str:
        """Where a new group starts: ``start_id`` the first time; a group created again (it
        vanished with a flush or a restart) starts after the last entry this consumer read,
        or at the stream's beginning when the stream was started again behind it."""
        if self._last_read is None:
            return self.start_id
        try:
            last = self.client.xinfo_stream(self.stream)["last-generated-id"]
        except redis.exceptions.ResponseError:
            return "0"  # no stream: whatever is added from now on is new
        return self._last_read if entry_key(last) >= entry_key(self._last_read) else "0"

    def run(self) -> None:
        """Consume until :meth:`stop`; rides out Redis restarts, flushes and a full memory.

        Passing trouble (:mod:`portalkit.redis_errors`) is waited out with a backoff; a
        group or stream that vanished is created again. Anything else is a bug and is
        raised, which stops the process so that its supervisor starts it again.
        """
        log.info("consumer starting", extra={"stream": self.stream, "group": self.group})
        backoff = Backoff(_FIRST_BACKOFF_S, _LAST_BACKOFF_S)
        group_ready = False
        while not self.stopping:
            try:
                if not group_ready:
                    self.ensure_group()
                    group_ready = True
                self.poll()
                backoff.reset()
            except redis.exceptions.RedisError as exc:
                kind = trouble(exc)
                if kind is None:
                    raise
                group_ready = False
                if kind is Trouble.LOST:
                    log.warning("consumer group or stream lost; recreating: %s", exc)
                else:
                    log.warning("redis unavailable; retrying: %s", exc)
                    self._stop.wait(backoff.next())
        log.info("consumer stopped", extra={"stream": self.stream, "group": self.group})

    # one round ------------------------------------------------------------------

    def poll(self) -> int:
        """Reclaim idle entries when due, then read new ones; returns entries handled."""
        count = self.reclaim() if self._reclaim_due() else 0
        reply = self.client.xreadgroup(
            self.group, self.name, {self.stream: ">"}, count=self.batch, block=self.block_ms
        )
        for _stream, entries in reply or []:
            if entries:
                self._last_read = entries[-1][0]
            count += self._process(entries, self.lookahead_new)
        return count

    def _reclaim_due(self) -> bool:
        now = time.monotonic()
        if now - self._last_claim < min(self.claim_idle_ms / 1000, 5.0):
            return False
        self._last_claim = now
        return True

    def reclaim(self) -> int:
        """Take over entries idle longer than ``claim_idle_ms`` (ours or a dead consumer's)."""
        handled = 0
        cursor = "0-0"
        while not self.stopping:
            cursor, entries = self._claim_page(cursor)
            if entries:
                self.stats["reclaimed"] += len(entries)
                counts = self._delivery_counts([entry_id for entry_id, _ in entries])
                handled += self._process(entries, self.lookahead_reclaimed, counts)
            if cursor in ("0-0", b"0-0"):
                break
        return handled

    def _claim_page(self, cursor: str) -> tuple[str, list[tuple[str, dict[str, str]]]]:
        """One ``XAUTOCLAIM`` page: the next cursor and the entries still in the stream."""
        result = self.client.xautoclaim(
            self.stream,
            self.group,
            self.name,
            min_idle_time=self.claim_idle_ms,
            start_id=cursor,
            count=self.batch,
        )
        return result[0], [(eid, fields) for eid, fields in result[1] if fields is not None]

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

    def _process(
        self,
        entries: list[tuple[str, dict[str, str]]],
        lookahead: int,
        deliveries: dict[str, int] | None = None,
    ) -> int:
        """Apply a batch in order; ``deliveries`` by entry id (1 for a first delivery)."""
        newest: dict[str, EntryKey] = {}
        if self.entity_of is not None:
            newest = newest_by_entity(self.client, self.stream, entries, self.entity_of, lookahead)
        for entry_id, fields in entries:
            count = 1 if deliveries is None else deliveries.get(entry_id, 1)
            self.stats[self.processor.process(entry_id, fields, count, newest).value] += 1
        return len(entries)

    def done_key(self, event_id: str) -> str:
        """The idempotency record of an event in this group."""
        return f"{self.key_prefix}:events:done:{self.group}:{event_id}"


__all__ = ["Consumer", "EventBus", "Handler", "publish_all", "to_fields"]
