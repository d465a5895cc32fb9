"""A bounded, per-process LRU of answers (bytes, and the headers that go with them)
by key, each kept at most a while, and optionally rebuilt a little before that by one
reader while the others are still answered from it."""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

Headers = tuple[tuple[str, str], ...]

MAX_AGE_S = 300.0


class AnswerCache:
    """Answers up to ``max_bytes`` in all (0 keeps nothing), least recently used out first.

    With ``refresh_after_s``, the first reader to ask for an answer older than that is
    told it is missing (so it rebuilds it and puts the new one), while every other
    reader is still given the answer kept until it is ``max_age_s`` old. A busy answer
    then never expires under its readers: it is rebuilt once, by one thread, instead of
    by every thread that asks in the moment it expired, each holding the worker's GIL
    for the whole build (BENCHMARKS.md: the search's p99). A rebuild that puts nothing
    (an error) leaves the old answer to its age.

    With ``spread`` (0 to 1), each answer's two ages are shortened by a share of them
    drawn at random when it is put, up to ``spread``: answers built together (a start,
    a burst of readers) then come due over a while, not all in the same second, each
    rebuild holding the worker's GIL.
    """

    def __init__(
        self,
        max_bytes: int,
        max_age_s: float = MAX_AGE_S,
        refresh_after_s: float | None = None,
        spread: float = 0.0,
    ) -> None:
        if refresh_after_s is not None and not 0 <= refresh_after_s < max_age_s:
            raise ValueError("refresh_after_s must be at least 0 and less than max_age_s")
        if not 0 <= spread < 1:
            raise ValueError("spread must be at least 0 and less than 1")
        self.max_bytes = max_bytes
        self.max_age_s = max_age_s
        self.refresh_after_s = refresh_after_s
        self.spread = spread
        # key -> (when it expires, when a reader is to rebuild it or None, body,
        # headers, whether a reader is rebuilding it); times by time.monotonic()
        self._items: OrderedDict[Hashable, tuple[float, float | None, bytes, Headers, bool]] = (
            OrderedDict()
        )
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        answer = self.get_answer(key)
        return answer[0] if answer is not None else None

    def get_answer(self, key: Hashable) -> tuple[bytes, Headers] | None:
        """The body kept under ``key`` with its headers."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, refresh_at, body, headers, rebuilding = item
            now = time.monotonic()
            if now > expires:
                del self._items[key]
                self._size -= len(body)
                return None
            if not rebuilding and refresh_at is not None and now > refresh_at:
                self._items[key] = (expires, refresh_at, body, headers, True)
                return None  # this reader rebuilds it; the others keep being answered
            self._items.move_to_end(key)
            return body, headers

    def put(self, key: Hashable, body: bytes, headers: Headers = ()) -> None:
        if len(body) > self.max_bytes // 4:
            return  # an outsized answer would push out many ordinary ones
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old[2])
            now = time.monotonic()
            scale = 1.0 - self.spread * random.random() if self.spread else 1.0
            refresh = self.refresh_after_s
            refresh_at = None if refresh is None else now + refresh * scale
            self._items[key] = (now + self.max_age_s * scale, refresh_at, body, headers, False)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, (_, _, dropped, _, _) = self._items.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        """Forget every answer (the store they were built from was emptied or replaced)."""
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        return self._size
