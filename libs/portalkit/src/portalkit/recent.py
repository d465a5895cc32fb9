"""Values read from a shared store (Redis, the database), each trusted for a moment in
this process, so a busy read costs the store one round trip per moment, not one each."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class RecentReads(Generic[V]):
    """What ``load`` returned for a key, trusted for ``recheck_s`` seconds; at most
    ``max_items`` keys (past that, it starts over: many keys asked once)."""

    def __init__(self, recheck_s: float, max_items: int = 10_000) -> None:
        self.recheck_s = recheck_s
        self.max_items = max_items
        self._kept: dict[Hashable, tuple[float, V]] = {}

    def read(
        self, key: Hashable, load: Callable[[], V], keep: Callable[[V], bool] = lambda _v: True
    ) -> V:
        """The value read less than ``recheck_s`` ago, else ``load()``'s, kept when
        ``keep`` says so."""
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.recheck_s:
            return kept[1]
        value = load()
        if keep(value):
            if len(self._kept) >= self.max_items:
                self._kept = {}
            self._kept[key] = (now, value)
        return value

    def forget(self, key: Hashable | None = None) -> None:
        """Read ``key`` (every key, when None) from the store again next time."""
        if key is None:
            self._kept = {}
        else:
            self._kept.pop(key, None)
