"""The Procfile stack on free loopback ports, for end-to-end and browser tests.

Each process runs the very command line of the Procfile (the one Compose runs too),
with settings from the environment: free ports, a test-owned Redis, a SQLite file or
the PostgreSQL of TEST_DATABASE_URL, and the local fake weather provider.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from support.provider import FakeProvider
from support.servers import ROOT, Process, free_port, wait_until

TOKEN = "e2e-editor-secret"
HTTP_PROCESSES = {
    "articles": "ARTICLES",
    "counter": "COUNTER",
    "weather": "WEATHER",
    "web": "WEB",
    "newsroom": "NEWSROOM",
}


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    entries = {}
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


class Stack:
    """Starts, stops and restarts Procfile processes; knows their URLs."""

    def __init__(
        self,
        workdir: Path,
        redis_url: str,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = Path(workdir)
        self.provider = FakeProvider().start()
        self.ports = {name: free_port() for name in HTTP_PROCESSES}
        self.commands = procfile()
        self.processes: dict[str, Process] = {}
        self.metrics_ports: dict[str, int] = {}
        """``METRICS_PORT`` of each process without HTTP of its own, kept across restarts."""
        venv_bin = str(Path(sys.executable).parent)
        self.env = {
            "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "REDIS_URL": redis_url,
            "DATABASE_URL": database_url or f"sqlite:///{self.workdir / 'articles.db'}",
            "NEWSROOM_DATABASE_URL": f"sqlite:///{self.workdir / 'newsroom.db'}",
            "NEWSROOM_API_TOKEN": TOKEN,
            "WEB_API_TOKEN": TOKEN,
            "API_TOKENS": f"e2e:{TOKEN}",
            "OPEN_METEO_URL": self.provider.url,
            "WEATHER_INTERVAL_S": "2",
            "RELAY_INTERVAL_S": "0.2",
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": "1",
            "HTTP_THREADS": "4",
            "WEATHER_WORKER_CONCURRENCY": "1",
            "MEDIA_STORAGE": (self.workdir / "media").as_uri(),
            "PYTHONUNBUFFERED": "1",
        }
        for name, prefix in HTTP_PROCESSES.items():
            self.env[f"{prefix}_PORT"] = str(self.ports[name])
            self.env[f"{prefix}_URL"] = self.url(name)
        self.env.update(env or {})

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def metrics_url(self, name: str) -> str:
        """Where a process serves Prometheus metrics (an API's /metrics, or METRICS_PORT)."""
        if name in HTTP_PROCESSES:
            return self.url(name) + "/metrics"
        return f"http://127.0.0.1:{self.metrics_ports[name]}/metrics"

    def migrate(self, seed: bool = False) -> None:
        env = {**os.environ, **self.env}
        for package in ("articles", "newsroom"):
            subprocess.run(
                [sys.executable, "-m", f"{package}.manage", "upgrade"],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        if seed:
            subprocess.run(
                [sys.executable, "-m", "articles.manage", "seed", "--if-empty"],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )

    def start(self, *names: str, wait: bool = True) -> Stack:
        for name in names:
            env = self.env
            if name not in HTTP_PROCESSES:
                port = self.metrics_ports.setdefault(name, free_port())
                env = {**self.env, "METRICS_PORT": str(port)}
            # exec: the Procfile command replaces the shell, so stopping it waits for it.
            proc = Process("exec " + self.commands[name], env=env, name=name, shell=True)
            self.processes[name] = proc.start()
        if wait:
            for name in names:
                if name in HTTP_PROCESSES:
                    self.wait_ready(name)
        return self

    def wait_ready(self, name: str, timeout: float = 30) -> None:
        proc = self.processes[name]

        def up() -> bool:
            if not proc.alive():
                return True  # reported below at once, not after the timeout
            return requests.get(self.url(name) + "/healthz", timeout=1).status_code == 200

        wait_until(up, timeout=timeout, interval=0.1)
        if not proc.alive():
            raise AssertionError(f"{name} exited:\n{proc.output()[-3000:]}")

    def stop(self, *names: str) -> None:
        for name in names or list(self.processes):
            proc = self.processes.pop(name, None)
            if proc is not None:
                proc.stop()

    def kill(self, name: str) -> None:
        proc = self.processes.pop(name, None)
        if proc is not None:
            proc.kill()

    def restart(self, name: str) -> None:
        self.stop(name)
        self.start(name)

    def output(self, name: str) -> str:
        proc = self.processes.get(name)
        return proc.output() if proc else ""

    def close(self) -> None:
        self.stop()
        self.provider.stop()

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}
