"""``python -m bench.profile SCENARIO``: where a scenario's server spends its CPU.

Starts the stack the scenario needs, warms it, then drives it with wrk while
``py-spy record --subprocesses --gil`` samples the server (granian, or ``--server
gunicorn``) and its workers
(only threads holding the GIL: the Python work that limits a worker). The raw
stacks are kept (``bench/results/profile-<scenario>.stacks``, collapsed format, not committed); the
summary printed groups the samples by library (the innermost frame's package) and lists
the functions with the most inclusive time.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench.processes import BIN, ROOT
from bench.runner import Options, Runner
from bench.scenarios import BASELINES, BY_NAME
from bench.stack import Stack
from bench.wrk import run_wrk

log = logging.getLogger("bench")

LAYERS = (
    ("gunicorn", "gunicorn"),
    ("flask_smorest", "flask-smorest/apispec/webargs/marshmallow"),
    ("apispec", "flask-smorest/apispec/webargs/marshmallow"),
    ("webargs", "flask-smorest/apispec/webargs/marshmallow"),
    ("marshmallow", "flask-smorest/apispec/webargs/marshmallow"),
    ("flask", "flask/werkzeug"),
    ("werkzeug", "flask/werkzeug"),
    ("jinja2", "jinja2/markupsafe"),
    ("markupsafe", "jinja2/markupsafe"),
    ("sqlalchemy", "sqlalchemy"),
    ("redis", "redis-py"),
    ("requests", "requests/urllib3 (outgoing HTTP)"),
    ("urllib3", "requests/urllib3 (outgoing HTTP)"),
    ("prometheus_client", "prometheus_client"),
    ("crawlerdetect", "crawlerdetect"),
    ("babel", "babel/flask-babel"),
    ("flask_babel", "babel/flask-babel"),
    ("portalkit", "portalkit"),
    ("articles", "articles (service code)"),
    ("counter", "counter (service code)"),
    ("weather", "weather (service code)"),
    ("web", "web (service code)"),
)


REQUEST_FRAME = "Flask.__call__ "
PLUMBING = {"stdlib threading", "concurrent", "gunicorn"}
"""Frames every request passes through; left out of the inclusive list."""


def layer(frame: str) -> str:
    """The library of a collapsed-stack frame ``func (package/module.py:line)``.

    py-spy names files relative to their ``sys.path`` entry, so the first part of the
    path is the top-level package; a bare ``module.py`` is the standard library's.
    """
    parts = Path(_where(frame).split(":", 1)[0]).parts
    if len(parts) == 1:
        return f"stdlib {Path(parts[0]).stem}"
    for prefix, name in LAYERS:
        if parts[0] == prefix:
            return name
    return parts[0]


def summarize(raw: str, top: int = 25) -> str:
    """Samples taken inside a request (under ``Flask.__call__``), by library and function.

    Samples outside requests (gunicorn's loop, idle pool threads) are counted apart.
    """
    by_layer: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = outside = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if "(" in f and ".py:" in f]
        if not frames:
            continue
        if not any(f.startswith(REQUEST_FRAME) for f in frames):
            outside += int(count)
            continue
        total += int(count)
        by_layer[layer(frames[-1])] += int(count)
        for frame in dict.fromkeys(frames):
            if layer(frame) not in PLUMBING:
                inclusive[frame] += int(count)
    if not total:
        return "no samples inside requests"
    lines = [
        f"{total} samples inside requests ({outside} outside: server loop, idle threads)",
        "",
        "self time by library (innermost frame), share of request samples:",
    ]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in by_layer.most_common(top)]
    lines += ["", "inclusive time by function, share of request samples:"]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in inclusive.most_common(top * 2)]
    return "\n".join(lines)


def _where(frame: str) -> str:
    """``package/module.py:line`` of a frame."""
    return frame[frame.rfind("(") + 1 : frame.rfind(")")]


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("scenario", choices=sorted(BY_NAME))
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument(
        "--server", choices=("granian", "gunicorn"), default="granian", help="the HTTP server"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--active",
        action="store_true",
        help="every thread py-spy deems active, not only GIL holders "
        "(shows time in C that releases the GIL, e.g. SQLite queries)",
    )
    args = parser.parse_args(argv)
    scenario = BY_NAME[args.scenario]
    work_dir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    servers = {*scenario.servers, *(name for b in BASELINES for name in b.servers)}
    stack = Stack(work_dir, servers, args.articles, (args.server,))
    options = Options(args.duration, 3.0, args.connections, 4, 2)
    raw_path = args.output / f"profile-{scenario.name}.stacks"
    args.output.mkdir(parents=True, exist_ok=True)
    try:
        stack.start()
        runner = Runner(stack, options, work_dir)
        runner.warm(scenario, args.server)
        server = stack.server(args.server, scenario.server)
        spy = [str(BIN / "py-spy"), "record", "--pid", str(server.pid), "--subprocesses"]
        spy += ["--format", "raw", "--rate", "200", "--duration", str(int(args.duration))]
        spy += ["--output", str(raw_path)]
        if not args.active:
            spy.append("--gil")
        load = runner._load(scenario, args.duration + 2)
        script = runner._script(scenario)
        driver = threading.Thread(
            target=run_wrk, args=(server.url, script, load, work_dir, "profile"), daemon=True
        )
        driver.start()
        subprocess.run(spy, check=True, capture_output=True)
        driver.join()
    finally:
        stack.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    print(summarize(raw_path.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
