"""``make bench`` in a smoke mode: one short scenario, two rounds, beside both baselines,
under both servers.

Nothing here judges speed (speed is measured by ``make bench``, never asserted:
BENCHMARKS.md); it keeps the harness from rotting: the stack starts the production way,
wrk runs, views are counted, and the results are written.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from bench.wrk import REALTIME, Load, realtime_allowed, wrk_args, wrk_priority
from portalkit.serve import ServerSettings, service_shape
from support.servers import ROOT


def test_harness_measures_a_scenario_beside_both_baselines_under_both_servers(tmp_path):
    args = [sys.executable, "-m", "bench", "--scenarios", "counter-views"]
    args += ["--duration", "1", "--warmup", "1", "--articles", "0", "--rounds", "2"]
    args += ["--output", str(tmp_path)]

    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    doc = json.loads((tmp_path / "latest.json").read_text())
    assert doc["kinds"] == ["gunicorn", "granian"]
    for kind in doc["kinds"]:
        views = doc["scenarios"][kind]["counter-views"]
        assert views["kind"] == kind
        assert views["requests"] > 0
        assert views["error_count"] == 0
        # Every request is a new visitor with a browser's user agent: each one counts.
        assert views["counted_views"] >= views["requests"]
        assert set(views["ratio"]) == {
            "bare",
            "incr",
            "gunicorn:bare",
            "gunicorn:incr",
            "granian:bare",
            "granian:incr",
        }
        assert views["peak_rss_mib"]["workers_mib"]
        # Two rounds: the reported one is one of them, and both are listed.
        assert len(views["rounds"]) == 2
        assert views["rps"] in [r["rps"] for r in views["rounds"]]
    step = [(kind, name) for kind in ("gunicorn", "granian") for name in ("bare", "incr")]
    assert [(run["kind"], run["name"]) for run in doc["baseline_runs"]] == step * 3
    text = (tmp_path / "latest.md").read_text()
    assert "counter POST /v1/views" in text
    # wrk ran at real-time priority wherever this machine allows it, and the run says so.
    assert doc["options"]["realtime"] is realtime_allowed()
    assert ("at real-time priority" in text) is realtime_allowed()
    assert "| granian |" in text
    assert "Every round" in text
    # Every app is served as deployed: the counter by its own shape (more workers of
    # fewer threads), the floors by the defaults; the report names the exception.
    default = ServerSettings.from_env()
    counter = ServerSettings.from_env(shape=service_shape("counter.app:create_app()"))
    shape = {"workers": counter.workers, "threads": counter.threads}
    assert doc["settings"]["workers"] == default.workers
    if shape != {"workers": default.workers, "threads": default.threads}:
        assert doc["settings"]["apps"] == {"counter": shape}
        assert f"counter {counter.workers} x {counter.threads} (its own shape)" in text
    for kind in doc["kinds"]:
        views = doc["scenarios"][kind]["counter-views"]
        assert len(views["peak_rss_mib"]["workers_mib"]) == counter.workers


def test_the_in_process_figures_cover_every_app_it_names():
    args = [sys.executable, "-m", "bench.inprocess", "--requests", "30", "--rounds", "1"]
    args += ["--articles", "0"]

    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")][1:]
    names = [row.split("|")[1].strip() for row in rows]
    assert names == [
        "bare",
        "incr",
        "counter-views",
        "articles-by-slug",
        "articles-search",
        "weather-current",
        "counter-batch",
    ]
    assert all(float(row.split("|")[2]) > 0 for row in rows)
    assert "us of CPU a view" in done.stdout


def test_the_in_process_profile_names_the_costliest_functions():
    args = [sys.executable, "-m", "bench.inprocess", "--requests", "30", "--rounds", "1"]
    args += ["--articles", "0", "--profile", "weather-current", "--sort", "cumulative"]

    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Ordered by: cumulative time" in done.stderr
    assert "current_weather" in done.stderr


def test_the_photo_figures_are_measured_and_written(tmp_path):
    args = [sys.executable, "-m", "bench.photos", "--photos", "1", "--rounds", "1"]
    args += ["--output", str(tmp_path)]

    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    doc = json.loads((tmp_path / "photos.json").read_text())
    assert doc["in_process"]["renditions"] == 8
    assert doc["in_process"]["ratio_to_baseline"] > 0
    assert doc["worker"]["photos"] == 1
    assert doc["worker"]["peak_rss_mib"]["pool"] and doc["worker"]["peak_rss_mib"]["main"] > 0
    assert "Photo renditions" in (tmp_path / "photos.md").read_text()


def test_wrk_is_started_at_real_time_priority_only_when_asked(tmp_path):
    script = tmp_path / "run.lua"

    asked = wrk_args("http://127.0.0.1:1/", script, Load(1, 4, 1, realtime=True))
    normal = wrk_args("http://127.0.0.1:1/", script, Load(1, 4, 1))

    assert asked[: len(REALTIME)] == list(REALTIME)
    assert asked[len(REALTIME) :] == normal
    assert normal[0].endswith("wrk")


def test_a_machine_that_refuses_real_time_priority_is_measured_at_the_normal_one(
    monkeypatch, caplog
):
    monkeypatch.setattr("bench.wrk.realtime_allowed", lambda: False)

    with caplog.at_level(logging.WARNING, logger="bench"):
        assert wrk_priority(True) is False
    assert "normal priority" in caplog.text
    assert wrk_priority(False) is False
