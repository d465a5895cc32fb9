"""Driving wrk: a Lua script made from the scenario's data and parts, and its result.

Each script is the harness's globals (``PATHS``, ``ARTICLE_IDS``, ``RUN``...), then
``lua/threads.lua``, the scenario's own part, and ``lua/report.lua``, whose ``done``
prints one JSON line (requests, errors by kind, latency percentiles) read back here.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).parent / "lua"
RESULT_MARK = "BENCH_RESULT "
REALTIME = ("chrt", "--fifo", "1")
"""How wrk is started when it is given a core the moment it wakes: the lowest real-time
priority (SCHED_FIFO 1). wrk measures each request from its own event loop, on the two
cores the servers keep busy; at the normal priority its threads waited up to 23 ms for a
core (``perf sched latency``), and every answer on their 16 connections was counted that
much late: the p99 of the bare floor moved between 8 and 36 ms from run to run, and
between 8 and 9 ms with wrk at this priority (BENCHMARKS.md). It spends a few percent of
the CPU either way, and the kernel keeps real-time threads to 95% of it."""

log = logging.getLogger("bench")

BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/117.0.202 Chrome/111.0.5563.202 Safari/537.36",
)
"""User agents of readers' browsers (none is a crawler): phones and desktops."""


@dataclass(frozen=True)
class Load:
    """How hard wrk drives a run."""

    duration_s: float
    connections: int
    threads: int
    timeout_s: float = 10.0
    realtime: bool = False
    """Run wrk at real-time priority (:data:`REALTIME`)."""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    errors: dict[str, int]
    latency_ms: dict[str, float]

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "rps": round(self.rps, 1),
            "errors": self.errors,
            "latency_ms": self.latency_ms,
        }


def lua_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)  # a JSON string is a valid Lua string
    if isinstance(value, list | tuple):
        return "{" + ", ".join(lua_value(item) for item in value) + "}"
    raise TypeError(f"no Lua form for {type(value).__name__}")


def make_script(part: str, data: Mapping[str, object]) -> str:
    """The whole script: globals from ``data``, then the shared and scenario parts."""
    globals_ = "".join(f"{name} = {lua_value(value)}\n" for name, value in data.items())
    pieces = [globals_, (LUA / "threads.lua").read_text()]
    pieces += [(LUA / part).read_text(), (LUA / "report.lua").read_text()]
    return "\n".join(pieces)


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    return found


@functools.cache
def realtime_allowed() -> bool:
    """Whether this process may start wrk at real-time priority (root, or
    ``CAP_SYS_NICE``, and ``chrt`` from util-linux)."""
    if shutil.which(REALTIME[0]) is None:
        return False
    done = subprocess.run([*REALTIME, "true"], capture_output=True, check=False)
    return done.returncode == 0


def wrk_priority(wanted: bool) -> bool:
    """The priority wrk will run at: real-time if ``wanted`` and allowed, with a warning
    when it was wanted and is not (the p99 then counts wrk's own waits for a core)."""
    if wanted and not realtime_allowed():
        log.warning(
            "wrk cannot run at real-time priority here (%s): measuring at the normal priority",
            " ".join(REALTIME),
        )
        return False
    return wanted


def wrk_args(url: str, script_path: Path, load: Load) -> list[str]:
    prefix = list(REALTIME) if load.realtime else []
    return [
        *prefix,
        wrk_binary(),
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{max(1, round(load.duration_s))}s",
        f"--timeout={load.timeout_s:g}s",
        "--latency",
        "-s",
        str(script_path),
        url,
    ]


def run_wrk(url: str, script: str, load: Load, work_dir: Path, label: str) -> WrkResult:
    """Run wrk once against ``url``; its whole output is kept in ``work_dir``."""
    script_path = work_dir / f"{label}.lua"
    script_path.write_text(script)
    args = wrk_args(url, script_path, load)
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    (work_dir / f"{label}.out").write_text(done.stdout + done.stderr)
    line = next((line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({label}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line[len(RESULT_MARK) :])
    latency = {name: round(value / 1000, 2) for name, value in raw["latency_us"].items()}
    return WrkResult(
        requests=raw["requests"],
        duration_s=raw["duration_us"] / 1_000_000,
        errors=raw["errors"],
        latency_ms=latency,
    )
