"""Dead letters: entries no consumer can apply, copied to ``events:dead`` with the reason;
read, replayed and dropped by ``python -m portalkit.deadletters``."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis

from portalkit.events import DEAD_LETTER_STREAM

log = logging.getLogger(__name__)


class DeadLetters:
    """Moves a group's entries to the dead-letter stream (copy and ``XACK`` in one MULTI)."""

    def __init__(self, client: redis.Redis, stream: str, group: str, maxlen: int) -> None:
        self.client = client
        self.stream = stream
        self.group = group
        self.maxlen = maxlen

    def send(self, entry_id: str, fields: dict[str, str], reason: str) -> None:
        dead = {f"original_{k}": v for k, v in fields.items()}
        dead.update(
            {"stream": self.stream, "group": self.group, "entry_id": entry_id, "reason": reason}
        )
        pipe = self.client.pipeline(transaction=True)
        pipe.xadd(DEAD_LETTER_STREAM, dead, maxlen=self.maxlen, approximate=True)
        pipe.xack(self.stream, self.group, entry_id)
        pipe.execute()
        log.error("event moved to dead letters", extra={"entry_id": entry_id, "reason": reason})


@dataclass(frozen=True)
class DeadLetter:
    """One entry of ``events:dead``: where it came from, why it failed, what it held."""

    id: str
    stream: str
    group: str
    entry_id: str
    reason: str
    original: dict[str, str]

    @classmethod
    def from_entry(cls, dead_id: str, fields: dict[str, str]) -> DeadLetter:
        prefix = "original_"
        return cls(
            id=dead_id,
            stream=fields.get("stream", ""),
            group=fields.get("group", ""),
            entry_id=fields.get("entry_id", ""),
            reason=fields.get("reason", ""),
            original={k[len(prefix) :]: v for k, v in fields.items() if k.startswith(prefix)},
        )


def dead_letters(client: redis.Redis, limit: int = 100) -> list[DeadLetter]:
    """The oldest ``limit`` dead letters."""
    entries = client.xrange(DEAD_LETTER_STREAM, count=limit)
    return [DeadLetter.from_entry(dead_id, fields) for dead_id, fields in entries]


def dead_letter(client: redis.Redis, dead_id: str) -> DeadLetter | None:
    """One dead letter by its id in ``events:dead`` (None when there is none)."""
    try:
        entries = client.xrange(DEAD_LETTER_STREAM, min=dead_id, max=dead_id)
    except redis.exceptions.ResponseError:
        return None  # not a stream id
    return DeadLetter.from_entry(*entries[0]) if entries else None


def replay(client: redis.Redis, letter: DeadLetter, maxlen: int = 1_000_000) -> str:
    """Append the original entry to its stream again and remove the dead letter, in one
    MULTI; returns the new entry's id.

    Every group reads it as a new entry. Groups that applied the event before skip it
    (their idempotency record names its event id); the group that failed applies it.
    """
    if not letter.stream.startswith("events:") or letter.stream == DEAD_LETTER_STREAM:
        raise ValueError(f"dead letter {letter.id} names no stream to go back to")
    pipe = client.pipeline(transaction=True)
    pipe.xadd(letter.stream, letter.original, maxlen=maxlen, approximate=True)
    pipe.xdel(DEAD_LETTER_STREAM, letter.id)
    new_id, _removed = pipe.execute()
    log.warning(
        "dead letter replayed",
        extra={"dead_id": letter.id, "stream": letter.stream, "entry_id": new_id},
    )
    return new_id


def drop(client: redis.Redis, dead_id: str) -> bool:
    """Delete a dead letter for good; False when there was none."""
    return bool(client.xdel(DEAD_LETTER_STREAM, dead_id))
