"""Runs a Procfile's processes for `make run`, as Compose's `restart:` would.

Each line's output is printed with its name; a process that exits is started again after
a backoff (1 s, doubling to 30 s; back to 1 s once it has run for a minute), and the rest
keep running. Only :meth:`Supervisor.stop` (Ctrl-C, SIGTERM) stops them all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from honcho.printer import Message, Printer

FIRST_BACKOFF_S, LAST_BACKOFF_S = 1.0, 30.0
HEALTHY_AFTER_S = 60.0
STOP_GRACE_S = 10.0
COLOURS = ["36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1", "31;1"]


def read_procfile(path: Path) -> dict[str, str]:
    """``name: command`` lines, in order (blank lines and comments skipped)."""
    entries = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


@dataclass
class Child:
    """One Procfile line and its current process."""

    name: str
    command: str
    colour: str
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff_s: float = FIRST_BACKOFF_S
    restart_at: float | None = None
    restarts: int = 0


class Supervisor:
    def __init__(self, entries: dict[str, str], env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.children = [
            Child(name, command, COLOURS[n % len(COLOURS)])
            for n, (name, command) in enumerate(entries.items())
        ]
        self.printer = Printer(width=max(len(name) for name in entries) + 1)
        self.print_lock = threading.Lock()
        self._stop = threading.Event()

    def say(self, name: str, text: str, colour: str | None = None) -> None:
        with self.print_lock:
            self.printer.write(Message("line", text, datetime.now(), name, colour))

    def start(self, child: Child) -> None:
        child.proc = subprocess.Popen(
            ["/bin/sh", "-c", child.command],  # a Procfile line is a shell command line
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        child.started_at, child.restart_at = time.monotonic(), None
        self.say("system", f"{child.name} started (pid={child.proc.pid})")
        threading.Thread(target=self._relay_output, args=(child, child.proc), daemon=True).start()

    def _relay_output(self, child: Child, proc: subprocess.Popen) -> None:
        for line in iter(proc.stdout.readline, b""):
            self.say(child.name, line.decode("utf-8", "replace").rstrip("\n"), child.colour)

    def check(self, child: Child) -> None:
        """Notice an exit and plan the restart; start it when its time has come."""
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at:
                child.restarts += 1
                self.start(child)
            return
        code = child.proc.poll() if child.proc else None
        if code is None:
            return
        if now - child.started_at >= HEALTHY_AFTER_S:
            child.backoff_s = FIRST_BACKOFF_S
        child.restart_at = now + child.backoff_s
        self.say("system", f"{child.name} exited (rc={code}); restarting in {child.backoff_s:g}s")
        child.backoff_s = min(child.backoff_s * 2, LAST_BACKOFF_S)

    def run(self) -> None:
        """Start everything and keep it running until :meth:`stop` (or an interrupt)."""
        try:
            for child in self.children:
                self.start(child)
            while not self._stop.wait(0.2):
                for child in self.children:
                    self.check(child)
        finally:
            self.stop_all()

    def stop(self, *_: object) -> None:
        self._stop.set()

    def stop_all(self) -> None:
        """SIGTERM every process group, SIGKILL what is left after the grace period."""
        running = [c.proc for c in self.children if c.proc and c.proc.poll() is None]
        for proc in running:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        self.say("system", "every process stopped")


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
