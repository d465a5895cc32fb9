"""The current weather's JSON answer per place, written once per stored observation.

A place's answer changes only when a new observation is stored or when it turns stale,
so it is kept with the stored text it was made from, and with its ``ETag``: a repeat
costs one Redis ``GET``, a comparison, no marshmallow dump and no hashing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from portalkit.http import body_etag
from weather.store import Observation


@dataclass(frozen=True)
class Answer:
    stored: str
    """The observation as stored in Redis: the answer holds while it is unchanged."""
    observation: Observation
    stale: bool
    body: bytes
    etag: str


class Answers:
    """Kept answers by place slug (a handful of places: no bound needed)."""

    def __init__(self) -> None:
        self._kept: dict[str, Answer] = {}
        self._lock = threading.Lock()

    def observation(self, slug: str, stored: str) -> Observation | None:
        """The parsed observation of ``stored`` when it is the one kept."""
        kept = self._kept.get(slug)
        return kept.observation if kept is not None and kept.stored == stored else None

    def body(
        self,
        slug: str,
        stored: str,
        observation: Observation,
        stale: bool,
        write: Callable[[], bytes],
    ) -> tuple[bytes, str]:
        """The answer for ``stored`` and ``stale`` with its ``ETag``: the kept one, or
        ``write()``'s, kept."""
        kept = self._kept.get(slug)
        if kept is not None and kept.stored == stored and kept.stale == stale:
            return kept.body, kept.etag
        body = write()
        tag = body_etag(body)
        with self._lock:
            self._kept[slug] = Answer(stored, observation, stale, body, tag)
        return body, tag
