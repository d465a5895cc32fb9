"""/metrics under several workers: a worker that died leaves its counters, not its gauges."""

from __future__ import annotations

import os
import subprocess
import sys

from portalkit.metrics import Metrics

A_WORKER = """
from prometheus_client import Counter, Gauge
Counter("demo_requests_total", "Requests.").inc(3)
Gauge("demo_busy_threads", "Threads busy.", multiprocess_mode="livesum").set(5)
"""


def test_a_dead_workers_live_gauges_are_dropped_and_its_counts_kept(tmp_path, monkeypatch):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", A_WORKER], env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    text = Metrics("demo").render().decode()

    assert "demo_requests_total 3.0" in text
    assert "demo_busy_threads" not in text
    assert not list(tmp_path.glob("gauge_live*"))
