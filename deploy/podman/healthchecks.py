"""Runs the healthchecks of podman's containers, where no systemd schedules them.

podman leaves a container's healthcheck timer to systemd; in a container or on a host
without systemd nothing runs the checks, so no container ever becomes healthy and
`depends_on: condition: service_healthy` waits forever. This process is that timer:
every running container with a healthcheck gets `podman healthcheck run` once per its
interval, and every 5 s during its start period until a check passes, as Docker does
(podman itself applies the start period, the retries and the timeout).

    python deploy/podman/healthchecks.py PROJECT   (started by deploy/podman/stack.py)

It looks after the containers of one Compose project (its `com.docker.compose.project`).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

PODMAN = "podman"
TICK_S = 1.0
DEFAULT_INTERVAL_S = 30.0
START_INTERVAL_S = 5.0


def podman(*args: str, timeout: float = 60) -> str:
    result = subprocess.run(
        [PODMAN, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    return result.stdout


def podman_status(*args: str, timeout: float = 120) -> int:
    return subprocess.run([PODMAN, *args], capture_output=True, timeout=timeout).returncode


def running_containers(project: str) -> list[str]:
    label = f"label=com.docker.compose.project={project}"
    return podman(
        "ps", "--quiet", "--no-trunc", "--filter", "status=running", "--filter", label
    ).split()


@dataclass
class Schedule:
    """When one container's check runs: every ``interval``, but every START_INTERVAL_S
    during its start period until a check passes (Docker's start interval)."""

    interval: float
    start_period: float
    started: float
    next_run: float = 0.0
    passed: bool = False

    def plan(self, now: float) -> None:
        starting = not self.passed and now < self.started + self.start_period
        self.next_run = now + (min(START_INTERVAL_S, self.interval) if starting else self.interval)


def schedules(ids: list[str], now: float) -> dict[str, Schedule | None]:
    """A schedule for each container; None for one without a healthcheck."""
    if not ids:
        return {}
    try:
        described = json.loads(podman("inspect", "--type", "container", *ids) or "[]")
    except json.JSONDecodeError:
        return {}
    found: dict[str, Schedule | None] = {}
    for container in described:
        check = (container.get("Config") or {}).get("Healthcheck") or {}
        test = check.get("Test") or []
        if not test or test[0] == "NONE":
            found[container["Id"]] = None
            continue
        interval = (check.get("Interval") or 0) / 1e9 or DEFAULT_INTERVAL_S
        schedule = Schedule(interval, (check.get("StartPeriod") or 0) / 1e9, now)
        schedule.plan(now)
        found[container["Id"]] = schedule
    return found


class Timer:
    """One check at a time per container, each started when its schedule says."""

    def __init__(self, project: str) -> None:
        self.project = project
        self.known: dict[str, Schedule | None] = {}
        self.busy: set[str] = set()
        self.lock = threading.Lock()

    def refresh(self, now: float) -> None:
        ids = running_containers(self.project)
        with self.lock:
            self.known.update(schedules([i for i in ids if i not in self.known], now))
            for gone in set(self.known) - set(ids):
                self.known.pop(gone)

    def run_due(self, now: float) -> None:
        with self.lock:
            due = [
                container
                for container, schedule in self.known.items()
                if schedule and schedule.next_run <= now and container not in self.busy
            ]
            self.busy.update(due)
        for container in due:
            threading.Thread(target=self.check, args=(container,), daemon=True).start()

    def check(self, container: str) -> None:
        try:
            passed = podman_status("healthcheck", "run", container) == 0
        except subprocess.TimeoutExpired:
            passed = False
        with self.lock:
            self.busy.discard(container)
            schedule = self.known.get(container)
            if schedule:
                schedule.passed = schedule.passed or passed
                schedule.plan(time.monotonic())


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write(__doc__ or "")
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    timer = Timer(argv[0])
    while True:
        now = time.monotonic()
        timer.refresh(now)
        timer.run_due(now)
        time.sleep(TICK_S)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
