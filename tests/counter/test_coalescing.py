"""Group commit: callers that come while a call is in flight go together in the next."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from counter.coalescing import Coalescer


class Gate:
    """A ``run`` whose first call waits until the test opens it, recording every call."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.fail_on = fail_on

    def __call__(self, items: list[str]) -> list[str]:
        self.calls.append(list(items))
        if len(self.calls) == 1:
            self.entered.set()
            assert self.opened.wait(10)
        if self.fail_on in items:
            raise ConnectionError(f"failed with {items}")
        return [item.upper() for item in items]


def queued(coalescer: Coalescer, number: int) -> None:
    """Wait until ``number`` callers are queued behind the call in flight."""
    for _ in range(1000):
        with coalescer._guard:
            if len(coalescer._queue) >= number:
                return
        threading.Event().wait(0.005)
    raise AssertionError(f"{number} callers never queued")


def test_a_caller_alone_is_answered_by_a_call_of_its_own():
    calls = []
    coalescer = Coalescer(lambda items: calls.append(items) or [i * 2 for i in items])

    assert [coalescer(1), coalescer(2)] == [2, 4]
    assert calls == [[1], [2]]


def test_callers_that_come_during_a_call_go_together_in_the_next_each_with_its_answer():
    gate = Gate()
    coalescer = Coalescer(gate)
    with ThreadPoolExecutor(5) as pool:
        first = pool.submit(coalescer, "a")
        assert gate.entered.wait(10)
        rest = [pool.submit(coalescer, item) for item in "bcde"]
        queued(coalescer, 4)
        gate.opened.set()
        answers = [first.result(10), *(future.result(10) for future in rest)]

    assert answers == ["A", "B", "C", "D", "E"]
    assert gate.calls[0] == ["a"]
    assert sorted(gate.calls[1]) == ["b", "c", "d", "e"]
    assert len(gate.calls) == 2


def test_a_group_is_at_most_max_group_the_rest_wait_for_the_next():
    gate = Gate()
    coalescer = Coalescer(gate, max_group=2)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(coalescer, "a")
        assert gate.entered.wait(10)
        rest = [pool.submit(coalescer, item) for item in "bcde"]
        queued(coalescer, 4)
        gate.opened.set()
        answers = [first.result(10), *(future.result(10) for future in rest)]

    assert answers == ["A", "B", "C", "D", "E"]
    assert [len(call) for call in gate.calls] == [1, 2, 2]
    assert sorted(item for call in gate.calls for item in call) == list("abcde")


def test_a_failed_call_fails_each_of_its_callers_and_the_next_group_goes_on():
    gate = Gate(fail_on="a")
    coalescer = Coalescer(gate)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(coalescer, "a")
        assert gate.entered.wait(10)
        rest = [pool.submit(coalescer, item) for item in "bc"]
        queued(coalescer, 2)
        gate.opened.set()
        with pytest.raises(ConnectionError):
            first.result(10)
        assert sorted(future.result(10) for future in rest) == ["B", "C"]

    # and a group that fails does so for every caller in it
    gate = Gate(fail_on="c")
    coalescer = Coalescer(gate)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(coalescer, "a")
        assert gate.entered.wait(10)
        rest = [pool.submit(coalescer, item) for item in "bc"]
        queued(coalescer, 2)
        gate.opened.set()
        assert first.result(10) == "A"
        for future in rest:
            with pytest.raises(ConnectionError):
                future.result(10)
    assert coalescer("d") == "D"  # not left busy


def test_a_run_that_answers_the_wrong_number_of_items_is_an_error_for_its_callers():
    coalescer = Coalescer(lambda items: [])

    with pytest.raises(RuntimeError, match="0 answers for 1 items"):
        coalescer("a")


def test_many_threads_each_get_their_own_answer():
    coalescer = Coalescer(lambda items: [item * item for item in items])
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(coalescer, range(2000)))

    assert answers == [item * item for item in range(2000)]
