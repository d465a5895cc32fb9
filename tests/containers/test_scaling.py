"""Scaling out and losing a replica while readers keep reading through the gateway."""

from __future__ import annotations

import json
import os
import signal

import pytest
from harness import RequestLoop, podman, wait_reading

from support.servers import wait_until

# The first test to ask for the stack builds and starts it: minutes on a fresh machine.
pytestmark = pytest.mark.timeout(1800)


def reads(published) -> list[str]:
    article_id = published.article["id"]
    return [f"/api/articles/v1/articles/{article_id}", f"/api/views/v1/views/{article_id}"]


def test_scaled_out_replicas_all_serve_and_no_request_fails(stack, published):
    loop = RequestLoop(stack.url, reads(published), "scale-")
    loop.start()
    try:
        stack.compose(
            "up", "--detach", "--no-build", "--scale", "articles=3", "--scale", "counter=3"
        )
        wait_until(
            lambda: stack.health("articles") == stack.health("counter") == ["healthy"] * 3,
            timeout=180,
            interval=2,
        )
        replicas = stack.front_addresses("articles") | stack.front_addresses("counter")
        assert len(replicas) == 6

        def every_replica_served() -> bool:
            return replicas <= set(stack.gateway_upstreams("scale-"))

        wait_reading(stack, loop, every_replica_served, timeout=120, interval=2)
    finally:
        loop.stop()
    print(f"\n  {loop.sent} reads through the gateway while scaling, {len(loop.failures)} failed")
    assert loop.failures == [], f"{loop.report()}\ngateway:\n{stack.gateway_errors(loop.prefix)}"


def test_a_killed_replica_comes_back_healthy_while_the_others_answer(stack, published):
    victim = stack.containers("articles")[0]
    restarts = victim["RestartCount"]
    loop = RequestLoop(stack.url, reads(published), "kill-")
    loop.start()
    try:
        wait_reading(stack, loop, lambda: loop.sent > 20, timeout=60)
        os.kill(victim["State"]["Pid"], signal.SIGKILL)  # its init: the container dies

        def back() -> bool:
            (now,) = json.loads(podman("inspect", victim["Id"]))
            state = now["State"]
            return (
                now["RestartCount"] > restarts
                and state["Status"] == "running"
                and state.get("Health", {}).get("Status") == "healthy"
            )

        wait_reading(stack, loop, back, timeout=120, interval=1)
        seen = loop.sent
        wait_reading(stack, loop, lambda: loop.sent > seen + 20, timeout=60)
    finally:
        loop.stop()
    print(f"\n  {loop.sent} reads through the gateway around the kill, {len(loop.failures)} failed")
    assert loop.failures == [], f"{loop.report()}\ngateway:\n{stack.gateway_errors(loop.prefix)}"
