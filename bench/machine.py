"""The machine a run happened on, and how busy it was apart from the benchmark.

CPU time comes from ``/proc``: the whole machine's busy time (``/proc/stat``), and the
time of the benchmark's own processes (servers, Redis, wrk). What is left was used by
something else on the machine during the run: noise the alternating baselines absorb.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, object]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown",
    )
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(total_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "redis": _version(["redis-server", "--version"]),
        "wrk": _version(["wrk", "-v"]).splitlines()[0] if _version(["wrk", "-v"]) else "",
        "loadavg_at_start": load_average(),
    }


def _version(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return ""
    return (done.stdout or done.stderr).strip()


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(value) for value in fields]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS


def process_cpu_s(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def children_cpu_s() -> float:
    """CPU seconds of this process' waited-for children (each wrk run)."""
    times = os.times()
    return times.children_user + times.children_system


@dataclass
class CpuMeter:
    """CPU used during a run: the machine's, ours, and what is left (someone else's)."""

    pids: list[int]

    def __enter__(self) -> CpuMeter:
        self.start = time.monotonic()
        self.machine0 = machine_busy_s()
        self.ours0 = sum(process_cpu_s(pid) for pid in self.pids) + children_cpu_s()
        return self

    def __exit__(self, *_: object) -> None:
        elapsed = time.monotonic() - self.start
        machine = machine_busy_s() - self.machine0
        ours = sum(process_cpu_s(pid) for pid in self.pids) + children_cpu_s() - self.ours0
        self.machine_cores = round(machine / elapsed, 2)
        self.ours_cores = round(ours / elapsed, 2)
        self.others_cores = round(max(0.0, machine - ours) / elapsed, 2)

    def as_dict(self) -> dict[str, float]:
        return {
            "machine_cores": self.machine_cores,
            "ours_cores": self.ours_cores,
            "others_cores": self.others_cores,
        }
