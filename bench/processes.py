"""The processes a benchmark owns: its redis-server and HTTP servers on free ports.

Every process starts in its own session and is stopped by its own id. Peak memory is
read from ``/proc/<pid>/status`` (``VmHWM``, the high-water mark of resident memory),
for each server's main process and each of its workers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import redis
import requests

from portalkit.ports import free_port
from portalkit.serve import ServerSettings, service_shape

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def wait_for(check: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # still starting: refused connections, 503
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f}s (last error: {last!r})")


class OwnedProcess:
    """A child in its own session, its output in a log file."""

    def __init__(self, name: str, args: list[str], log_dir: Path, env: Mapping[str, str]):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Redis(OwnedProcess):
    """A redis-server without persistence, owned by the benchmark."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        data = log_dir / "redis"
        data.mkdir()
        args = [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(data)]
        args += ["--save", "", "--appendonly", "no"]
        super().__init__("redis", args, log_dir, os.environ)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis(port=self.port, decode_responses=True)
        wait_for(self.client.ping, "redis-server", timeout=15)


@dataclass(frozen=True)
class Memory:
    """Peak resident memory (MiB) of a server's main process and of each worker."""

    master_mib: float
    workers_mib: tuple[float, ...]

    @property
    def peak_mib(self) -> float:
        return max((self.master_mib, *self.workers_mib))

    def as_dict(self) -> dict:
        return {"master_mib": self.master_mib, "workers_mib": list(self.workers_mib)}


def peak_rss_mib(pid: int) -> float:
    """``VmHWM`` of a live process, in MiB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


class Server(OwnedProcess):
    """One HTTP server of the stack, started the production way by its ``kind``.

    ``gunicorn`` and ``granian`` take the same settings from the environment
    (``WEB_CONCURRENCY`` workers, ``HTTP_THREADS`` threads each: portalkit.serve), and
    where it sets none, the app's own (its package's ``HTTP_SERVER_SHAPE``) or the
    defaults.
    """

    def __init__(
        self, kind: str, name: str, app: str, log_dir: Path, env: Mapping[str, str]
    ) -> None:
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        label = f"{name}-{kind}"
        # Each server its own /tmp, as each container has in Compose: the workers'
        # Prometheus files are not shared with anyone else's.
        private = {}
        for variable, folder in (("XDG_RUNTIME_DIR", "run"), ("PROMETHEUS_MULTIPROC_DIR", "prom")):
            path = log_dir / f"{label}-{folder}"
            path.mkdir()
            private[variable] = str(path)
        env = {**env, **private, "HTTP_SERVER": kind}
        super().__init__(label, server_command(kind, app, self.port), log_dir, env)
        self.settings = ServerSettings.from_env(env, service_shape(app))

    def wait_ready(self, path: str = "/healthz", timeout: float = 90.0) -> None:
        def answers() -> bool:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            ready = requests.get(self.url + path, timeout=2).status_code == 200
            return ready and len(self.workers()) >= self.settings.workers

        wait_for(answers, f"{self.name} ({self.url})", timeout=timeout)

    def workers(self) -> list[int]:
        return children(self.pid)

    def memory(self) -> Memory:
        workers = tuple(peak_rss_mib(pid) for pid in self.workers())
        return Memory(peak_rss_mib(self.pid), workers)


def server_command(kind: str, app: str, port: int) -> list[str]:
    """The Procfile's command line serving ``app`` (``module:factory()``) on ``port``;
    the server is chosen by ``HTTP_SERVER`` in the environment."""
    if kind not in SERVER_KINDS:
        raise ValueError(f"unknown server {kind!r} (known: {', '.join(SERVER_KINDS)})")
    return [str(BIN / "python"), "-m", "portalkit.serve", "-b", f"127.0.0.1:{port}", app]


SERVER_KINDS = ("gunicorn", "granian")
