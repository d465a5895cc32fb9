"""Applying one stream entry exactly once per consumer group.

The handler queues its Redis writes on a transactional pipeline; the idempotency record
``<prefix>:events:done:<group>:<event id>`` and the ``XACK`` join the same ``MULTI``, so a
redelivered entry finds the record and changes nothing (docs/design-notes.md).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import redis

from portalkit.dead_letters import DeadLetters
from portalkit.entity_order import EntryKey, is_superseded
from portalkit.events import Event, MalformedEvent, from_fields
from portalkit.redis_errors import is_redis_trouble

if TYPE_CHECKING:
    from portalkit.streams import Consumer

log = logging.getLogger(__name__)

Handler = Callable[[Event, "redis.client.Pipeline"], None]


class Outcome(enum.Enum):
    """What became of one entry."""

    HANDLED = "handled"
    SUPERSEDED = "superseded"  # a later entry about the same entity decides
    DUPLICATE = "duplicate"  # applied before (a redelivery)
    FAILED = "failed"  # the handler raised; the entry stays pending
    DEAD = "dead"  # malformed or failed too often: moved to dead letters


class EntryProcessor:
    """Turns one entry into an event and applies it under the group's idempotency record."""

    def __init__(self, consumer: Consumer, dead_letters: DeadLetters) -> None:
        self.consumer = consumer
        self.dead_letters = dead_letters

    def process(
        self,
        entry_id: str,
        fields: dict[str, str],
        deliveries: int,
        newest: dict[str, EntryKey] | None = None,
    ) -> Outcome:
        try:
            event = from_fields(fields)
        except MalformedEvent as exc:
            self.dead_letters.send(entry_id, fields, f"malformed: {exc}")
            return Outcome.DEAD
        if deliveries > self.consumer.max_deliveries:
            self.dead_letters.send(entry_id, fields, f"failed {deliveries - 1} deliveries")
            return Outcome.DEAD
        entity = self.consumer.entity_of(event) if self.consumer.entity_of is not None else None
        return self._apply(event, entry_id, deliveries, is_superseded(entity, entry_id, newest))

    def _apply(self, event: Event, entry_id: str, deliveries: int, superseded: bool) -> Outcome:
        done_key = self.consumer.done_key(event.id)
        with self.consumer.client.pipeline(transaction=True) as pipe:
            # WATCH makes the record a guard, not just a hint: a slow consumer and the
            # one that reclaimed its entry cannot both commit the same event.
            pipe.watch(done_key)
            if pipe.exists(done_key):
                pipe.unwatch()
                return self._duplicate(entry_id)
            pipe.multi()
            if not superseded and not self._run_handler(event, pipe, entry_id, deliveries):
                return Outcome.FAILED
            pipe.set(done_key, entry_id, ex=self.consumer.done_ttl_s)
            pipe.xack(self.consumer.stream, self.consumer.group, entry_id)
            try:
                pipe.execute()
            except redis.exceptions.WatchError:
                return self._duplicate(entry_id)
        return Outcome.SUPERSEDED if superseded else Outcome.HANDLED

    def _run_handler(
        self, event: Event, pipe: redis.client.Pipeline, entry_id: str, deliveries: int
    ) -> bool:
        """Run the handler; False (logged) when it raised for any reason but Redis."""
        try:
            self.consumer.handler(event, pipe)
        except Exception as exc:
            if is_redis_trouble(exc):
                raise  # Redis, not the event: the consumer waits and tries again
            log.exception(
                "event handler failed; entry stays pending",
                extra={"entry_id": entry_id, "event_type": event.type, "deliveries": deliveries},
            )
            return False
        return True

    def _duplicate(self, entry_id: str) -> Outcome:
        self.consumer.client.xack(self.consumer.stream, self.consumer.group, entry_id)
        return Outcome.DUPLICATE
