"""Runs the healthchecks of podman's containers, where no systemd schedules them.

podman leaves a container's healthcheck timer to systemd; in a container or on a host
without systemd nothing runs the checks, so no container ever becomes healthy and
`depends_on: condition: service_healthy` waits forever. This process is that timer:
every running container with a healthcheck gets `podman healthcheck run` once per its
interval (podman itself applies the start period, the retries and the timeout).

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

PODMAN = "podman"
TICK_S = 1.0
DEFAULT_INTERVAL_S = 30.0


def podman(*args: str, timeout: float = 60) -> str:
    result = subprocess.run(
        [PODMAN, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    return result.stdout


def running_containers(project: str) -> list[str]:
    label = f"label=com.docker.compose.project={project}"
    return podman(
        "ps", "--quiet", "--no-trunc", "--filter", "status=running", "--filter", label
    ).split()


def intervals(ids: list[str]) -> dict[str, float]:
    """Each container's healthcheck interval in seconds; containers without one are left out."""
    if not ids:
        return {}
    try:
        described = json.loads(podman("inspect", "--type", "container", *ids) or "[]")
    except json.JSONDecodeError:
        return {}
    found = {}
    for container in described:
        check = (container.get("Config") or {}).get("Healthcheck") or {}
        test = check.get("Test") or []
        if test and test[0] != "NONE":
            interval_ns = check.get("Interval") or 0
            found[container["Id"]] = interval_ns / 1e9 or DEFAULT_INTERVAL_S
    return found


class Timer:
    """One check at a time per container, each started once its interval has passed."""

    def __init__(self, project: str) -> None:
        self.project = project
        self.known: dict[str, float] = {}
        self.next_run: dict[str, float] = {}
        self.busy: set[str] = set()
        self.lock = threading.Lock()

    def refresh(self, now: float) -> None:
        ids = running_containers(self.project)
        new = [i for i in ids if i not in self.known]
        for container, interval in intervals(new).items():
            self.known[container] = interval
            self.next_run[container] = now + interval
        for container in set(new) - set(self.known):
            self.known[container] = 0.0  # no healthcheck: never asked again
        for gone in set(self.known) - set(ids):
            self.known.pop(gone)
            self.next_run.pop(gone, None)

    def run_due(self, now: float) -> None:
        for container, when in list(self.next_run.items()):
            with self.lock:
                if when > now or container in self.busy:
                    continue
                self.busy.add(container)
                self.next_run[container] = now + self.known[container]
            threading.Thread(target=self.check, args=(container,), daemon=True).start()

    def check(self, container: str) -> None:
        try:
            podman("healthcheck", "run", container, timeout=120)
        except subprocess.TimeoutExpired:
            pass
        finally:
            with self.lock:
                self.busy.discard(container)


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
