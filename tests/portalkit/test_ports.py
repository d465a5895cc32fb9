"""Ports for processes about to start: free, never handed out twice, and outside the
range the kernel takes the local ends of outgoing connections from."""

from __future__ import annotations

import socket

import pytest

from portalkit import ports
from portalkit.ports import ephemeral_range, free_port


def test_a_port_is_free_outside_the_ephemeral_range_and_never_handed_out_twice():
    low, high = ephemeral_range()

    handed = [free_port() for _ in range(200)]

    assert len(set(handed)) == len(handed)
    assert all(not low <= port <= high for port in handed)
    for port in handed[:20]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # nothing holds it


def test_a_port_something_is_bound_to_is_passed_over(monkeypatch):
    spare = _kernel_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        offered = iter([busy, busy, spare])
        monkeypatch.setattr(ports.random, "choice", lambda _candidates: next(offered))

        assert free_port() == spare


def test_the_range_is_read_from_the_kernel_and_defaults_to_linux_s(tmp_path):
    setting = tmp_path / "ip_local_port_range"
    setting.write_text("40000\t50000\n")

    assert ephemeral_range(setting) == (40000, 50000)
    assert ephemeral_range(tmp_path / "missing") == ports.LINUX_EPHEMERAL


def test_processes_side_by_side_pick_from_shares_that_do_not_meet(monkeypatch):
    monkeypatch.delenv("PORTS_SLICE", raising=False)
    start = ports._candidates().start  # the first candidate of the whole range in use
    picked = {}
    for index in range(3):
        monkeypatch.setenv("PORTS_SLICE", f"{index}/3")
        monkeypatch.setattr(ports, "_handed_out", set())
        picked[index] = {free_port() for _ in range(100)}

    assert not picked[0] & picked[1] and not picked[0] & picked[2]
    assert not picked[1] & picked[2]
    for index, mine in picked.items():
        # every 3rd candidate from the index-th of the range in use
        assert {(port - start) % 3 for port in mine} == {index}


@pytest.mark.parametrize("value", ["1", "2/2", "-1/2", "a/b", "1/0"])
def test_a_slice_that_is_not_index_of_count_is_refused(monkeypatch, value):
    monkeypatch.setenv("PORTS_SLICE", value)

    with pytest.raises(ValueError, match="PORTS_SLICE"):
        free_port()


def test_without_a_slice_every_candidate_is_open():
    assert ports.port_slice(None) == ports.port_slice("") == (0, 1)


def _kernel_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
