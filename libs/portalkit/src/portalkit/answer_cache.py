"""A bounded, per-process LRU of answers (bytes, and the headers that go with them)
by key, each kept at most a while."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

Headers = tuple[tuple[str, str], ...]

MAX_AGE_S = 300.0


class AnswerCache:
    """Answers up to ``max_bytes`` in all (0 keeps nothing), least recently used out first."""

    def __init__(self, max_bytes: int, max_age_s: float = MAX_AGE_S) -> None:
        self.max_bytes = max_bytes
        self.max_age_s = max_age_s
        self._items: OrderedDict[Hashable, tuple[float, bytes, Headers]] = OrderedDict()
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
            if time.monotonic() - item[0] > self.max_age_s:
                del self._items[key]
                self._size -= len(item[1])
                return None
            self._items.move_to_end(key)
            return item[1], item[2]

    def put(self, key: Hashable, body: bytes, headers: Headers = ()) -> None:
        if len(body) > self.max_bytes // 4:
            return  # an outsized answer would push out many ordinary ones
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            self._items[key] = (time.monotonic(), body, headers)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, (_, dropped, _) = self._items.popitem(last=False)
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
