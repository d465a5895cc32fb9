"""docker-compose.yml run for real with podman, driven the way an operator drives it.

Everything goes through deploy/podman/stack.py, the command OPERATIONS.md gives for a
host without a Docker engine: it builds the base images from Debian's packages, the
service images from the repository's Dockerfile, and runs Compose against podman. The
harness adds only what a test needs to look: the containers of one service, their
health, and the gateway's access log.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
import yaml

from support import ci
from support.servers import ROOT, wait_until

STACK = ROOT / "deploy" / "podman" / "stack.py"
TOOLS = ("podman", "docker-compose", "debootstrap")
# The counter counts no crawler, and python-requests is one: views come from a browser.
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
# Every service that runs for good: not a one-shot job, not behind a profile.
LONG_RUNNING = [
    name
    for name, service in COMPOSE["services"].items()
    if service.get("restart") != "no" and not service.get("profiles")
]


def wait_healthy(stack: ComposeStack, timeout: float = 300) -> None:
    """Every container of every long-running service healthy by its own healthcheck."""

    def all_healthy() -> bool:
        return all(set(stack.health(name)) == {"healthy"} for name in LONG_RUNNING)

    try:
        wait_until(all_healthy, timeout=timeout, interval=2)
    except AssertionError:
        states = {name: stack.health(name) for name in LONG_RUNNING}
        raise AssertionError(f"not every service became healthy: {states}") from None


def require_tools() -> None:
    """What running containers needs here; missing it fails under CI (.ci/run installs it)."""
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if not missing and os.geteuid() == 0:
        return
    ci.missing(f"containers cannot run here: missing {missing or 'root'} (.ci/run installs them)")


def podman(*args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        ["podman", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"podman {' '.join(args)}: {result.stderr[-2000:]}"
    return result.stdout


def write_env(path: Path, settings: dict[str, str], api_tokens: str) -> None:
    """.env.example with ``settings`` put in, and random secret files beside it (the
    API tokens given) in the folder its PORTAL_SECRETS_DIR names."""
    folder = path.parent / "secrets"
    settings = {**settings, "PORTAL_SECRETS_DIR": str(folder)}
    lines = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.partition("=")[0] not in settings:
            lines.append(line)
    lines += [f"{name}={value}" for name, value in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "make_secrets.py"),
            str(folder),
            "--set",
            f"api_tokens={api_tokens}",
        ],
        check=True,
        capture_output=True,
    )


class ComposeStack:
    """One Compose project of the portal under podman, in its own folder."""

    def __init__(self, workdir: Path, project: str, gateway_port: int) -> None:
        self.workdir = workdir
        self.project = project
        self.url = f"http://127.0.0.1:{gateway_port}"
        self.env_file = workdir / ".env"

    def stack(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        command = [sys.executable, str(STACK), "--env-file", str(self.env_file)]
        command += ["--state-dir", str(self.workdir), "--project-name", self.project, *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        log = self.workdir / "stack.log"
        with log.open("a") as out:
            out.write(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        assert result.returncode == 0, f"stack.py {' '.join(args)}:\n{result.stderr[-4000:]}"
        return result

    def compose(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return self.stack("compose", *args, timeout=timeout)

    def view(self, article_id: int, visitor: str) -> requests.Response:
        """A reader's view reported through the gateway."""
        return requests.post(
            self.url + "/api/views/v1/views",
            json={"article_id": article_id, "visitor_id": visitor},
            headers=BROWSER,
            timeout=30,
        )

    def containers(self, service: str, every: bool = False) -> list[dict]:
        """`podman inspect` of the service's containers (running ones unless ``every``)."""
        ids = podman(
            "ps",
            "--quiet",
            "--no-trunc",
            *(["--all"] if every else []),
            "--filter",
            f"label=com.docker.compose.project={self.project}",
            "--filter",
            f"label=com.docker.compose.service={service}",
        ).split()
        found = json.loads(podman("inspect", "--type", "container", *ids)) if ids else []
        return sorted(found, key=lambda c: c["Name"])

    def health(self, service: str) -> list[str]:
        return [
            c["State"].get("Health", {}).get("Status", "none") for c in self.containers(service)
        ]

    def front_addresses(self, service: str) -> set[str]:
        return self.addresses(service, "front")

    def addresses(self, service: str, network: str) -> set[str]:
        """The service's containers' addresses on one of the file's networks."""
        key = f"{self.project}_{network}"
        found = self.containers(service)
        return {c["NetworkSettings"]["Networks"][key]["IPAddress"] for c in found}

    def gateway_log(self, request_prefix: str) -> list[dict]:
        """The gateway's access log lines of the requests whose id has the prefix."""
        (gateway,) = self.containers("gateway")
        logs = subprocess.run(
            ["podman", "logs", gateway["Id"]], capture_output=True, text=True, timeout=60
        )
        return [
            json.loads(line)
            for line in (logs.stdout + logs.stderr).splitlines()
            if f'"request_id":"{request_prefix}' in line
        ]

    def gateway_upstreams(self, request_prefix: str) -> list[str]:
        """Upstream addresses the gateway used for requests whose id has the prefix."""
        found = []
        for entry in self.gateway_log(request_prefix):
            found += re.findall(r"(\d+\.\d+\.\d+\.\d+):\d+", entry["upstream"])
        return found

    def gateway_errors(self, request_prefix: str = "") -> str:
        """What went wrong where the gateway can tell, for a failing test's message: its
        last failed or slow requests of the prefix, and its error log."""
        (gateway,) = self.containers("gateway")
        logs = subprocess.run(
            ["podman", "logs", "--tail", "2000", gateway["Id"]],
            capture_output=True,
            text=True,
            timeout=60,
        )
        failed = []
        for line in (logs.stdout + logs.stderr).splitlines():
            if not line.startswith("{"):
                if "[error]" in line or "[crit]" in line or "[warn]" in line:
                    failed.append(line)
                continue
            entry = json.loads(line)
            if not entry["request_id"].startswith(request_prefix):
                continue
            if entry["status"] >= 400 or float(entry["duration_s"]) > 1:
                failed.append(line)
        return "\n".join(failed[-25:]) or "(nothing failed or slow in the gateway's log)"


def wait_reading(
    stack: ComposeStack, loop: RequestLoop, check: Callable[[], object], **timing: float
) -> object:
    """``wait_until`` while ``loop`` reads; failing, it says how the reads and the gateway went."""
    try:
        return wait_until(check, **timing)
    except AssertionError as exc:
        explained = f"{exc}\nreads: {loop.report()}\ngateway:\n{stack.gateway_errors(loop.prefix)}"
        raise AssertionError(explained) from None


class RequestLoop(threading.Thread):
    """Reads through the gateway without pause until stopped; records what failed."""

    def __init__(self, base: str, paths: list[str], request_prefix: str) -> None:
        super().__init__(daemon=True)
        self.base, self.paths, self.prefix = base, paths, request_prefix
        self.done = threading.Event()
        self.sent = 0
        self.slowest = 0.0
        self.failures: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        while not self.done.is_set() and self.sent < 20_000:
            path = self.paths[self.sent % len(self.paths)]
            request_id = f"{self.prefix}{self.sent}"
            self.sent += 1
            started = time.monotonic()
            try:
                reply = session.get(
                    self.base + path, headers={"X-Request-ID": request_id}, timeout=30
                )
            except requests.RequestException as exc:
                self.failures.append(f"{request_id} {path}: {exc}")
                continue
            if reply.status_code != 200:
                self.failures.append(f"{request_id} {path}: {reply.status_code} {reply.text[:200]}")
            self.slowest = max(self.slowest, time.monotonic() - started)

    def report(self) -> str:
        """How the loop went, for a failing test's message."""
        shown = "\n".join(self.failures[:10])
        counts = f"{self.sent} sent, {len(self.failures)} failed, slowest {self.slowest:.1f} s"
        return f"{counts}\n{shown}"

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=60)
