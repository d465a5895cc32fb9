"""Dead letters: entries no consumer can apply, copied to ``events:dead`` with the reason."""

from __future__ import annotations

import logging

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
