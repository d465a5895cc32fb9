"""Join calls made while one is in flight into the next: one round trip for many.

A worker serves a reader's view on one of its threads, and most of what a view costs
is the round trip to Redis: the call itself, the socket on both sides, the script's
start in Redis. Under load several threads want that round trip at once. A
:class:`Coalescer` lets the first go ahead alone, queues those that arrive while it is
in flight, and sends the queued ones together as soon as it is back (a group commit):
an idle server answers each view as it comes, a busy one sends fewer, bigger calls.

Each caller still gets its own answer, or its own exception. A call that fails fails
for every caller in it (each raises the error), and the next group goes on regardless:
the call to lead it is handed on even when the thread that held it meets an error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Answer = TypeVar("Answer")


class _Caller(Generic[Item, Answer]):
    """One thread's item, its answer once known, and the lock it sleeps on."""

    __slots__ = ("answer", "error", "group", "item", "wake")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.answer: Answer | None = None
        self.error: BaseException | None = None
        self.group: list[_Caller[Item, Answer]] | None = None
        """Set when this caller is woken to lead the next call, not with its answer."""
        self.wake = threading.Lock()
        self.wake.acquire()

    def result(self) -> Answer:
        if self.error is not None:
            raise self.error
        return self.answer  # type: ignore[return-value]


class Coalescer(Generic[Item, Answer]):
    """Calls ``run`` with the items of every caller that came while a call was in flight.

    ``run`` takes a list of items and gives one answer per item, in order. At most
    ``max_group`` items go in one call; the rest wait for the next.
    """

    def __init__(self, run: Callable[[list[Item]], Sequence[Answer]], max_group: int = 64) -> None:
        if max_group < 1:
            raise ValueError("max_group must be at least 1")
        self._run = run
        self.max_group = max_group
        self._guard = threading.Lock()
        self._queue: list[_Caller[Item, Answer]] = []
        self._busy = False

    def __call__(self, item: Item) -> Answer:
        caller: _Caller[Item, Answer] = _Caller(item)
        with self._guard:
            if self._busy:
                self._queue.append(caller)
                group = None
            else:
                self._busy = True
                group = [caller]
        if group is None:
            caller.wake.acquire()  # until answered, or handed the next call to lead
            group = caller.group
            if group is None:
                return caller.result()
        self._lead(group)
        return caller.result()

    def _lead(self, group: list[_Caller[Item, Answer]]) -> None:
        try:
            answers = self._run([caller.item for caller in group])
            if len(answers) != len(group):
                raise RuntimeError(f"{len(answers)} answers for {len(group)} items")
            for caller, answer in zip(group, answers, strict=True):
                caller.answer = answer
        except BaseException as exc:  # every caller in the group raises it
            for caller in group:
                caller.error = exc
        finally:
            with self._guard:
                queued = self._queue
                if queued:
                    following, self._queue = queued[: self.max_group], queued[self.max_group :]
                    following[0].group = following
                    following[0].wake.release()  # the next call starts while these return
                else:
                    self._busy = False
            for caller in group[1:]:
                caller.wake.release()
