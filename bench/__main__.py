"""``python -m bench`` (``make bench``): measure the scenarios beside the baselines.

Settings (environment, or the matching option): BENCH_DURATION seconds per measured
run (10), BENCH_WARMUP seconds of warm-up before each scenario (3), BENCH_CONNECTIONS
(32), BENCH_BATCH_CONNECTIONS (4), BENCH_THREADS wrk threads (2), BENCH_SCENARIOS
(comma-separated names; all by default), BENCH_ARTICLES articles written through the
API on top of the sample content (200), BENCH_OUTPUT directory for latest.md and
latest.json (bench/results), BENCH_ROUNDS times each scenario is measured (1; with more,
the run with the median ratio is reported and every round's ratios are listed),
BENCH_SERVERS the HTTP servers every app is served by, side by side (gunicorn,granian),
BENCH_WRK_REALTIME whether wrk runs at real-time priority where it may (true; false
measures with wrk waiting for a core behind the servers, as before the twelfth session).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import machine, report
from bench.processes import ROOT, SERVER_KINDS
from bench.runner import Options, Runner
from bench.scenarios import BASELINES, BY_NAME, SCENARIOS
from bench.stack import Stack
from bench.wrk import wrk_priority
from portalkit.config import ConfigError, boolean, env, integer, number
from portalkit.serve import ServerSettings

log = logging.getLogger("bench")


def scenario_names(raw: str) -> list[str]:
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in BY_NAME or BY_NAME[name] in BASELINES]
    if unknown:
        known = ", ".join(scenario.name for scenario in SCENARIOS)
        raise ValueError(f"unknown scenario {', '.join(unknown)} (known: {known})")
    return names


def server_kinds(raw: str) -> tuple[str, ...]:
    kinds = tuple(dict.fromkeys(kind.strip() for kind in raw.split(",") if kind.strip()))
    unknown = [kind for kind in kinds if kind not in SERVER_KINDS]
    if unknown or not kinds:
        raise ValueError(f"unknown server {', '.join(unknown)} (known: {', '.join(SERVER_KINDS)})")
    if "gunicorn" not in kinds:
        raise ValueError("gunicorn must be one of the servers: the targets are ratios to it")
    return kinds


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    try:
        defaults = {
            "duration": env("BENCH_DURATION", "10", number(minimum=1)),
            "warmup": env("BENCH_WARMUP", "3", number(minimum=0)),
            "connections": env("BENCH_CONNECTIONS", "32", integer(1, 10_000)),
            "batch_connections": env("BENCH_BATCH_CONNECTIONS", "4", integer(1, 10_000)),
            "threads": env("BENCH_THREADS", "2", integer(1, 64)),
            "scenarios": env(
                "BENCH_SCENARIOS", ",".join(s.name for s in SCENARIOS), scenario_names
            ),
            "articles": env("BENCH_ARTICLES", "200", integer(0, 100_000)),
            "rounds": env("BENCH_ROUNDS", "1", integer(1, 20)),
            "servers": env("BENCH_SERVERS", ",".join(SERVER_KINDS), server_kinds),
            "output": Path(env("BENCH_OUTPUT", str(ROOT / "bench" / "results"))),
            "wrk_realtime": env("BENCH_WRK_REALTIME", "true", boolean),
        }
    except ConfigError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        sys.exit(2)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.set_defaults(**defaults)
    parser.add_argument("--duration", type=float, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int)
    parser.add_argument("--batch-connections", type=int)
    parser.add_argument("--threads", type=int, help="wrk threads")
    parser.add_argument("--scenarios", type=scenario_names, help="comma-separated names")
    parser.add_argument("--articles", type=int, help="articles added through the API")
    parser.add_argument(
        "--rounds", type=int, help="measure every scenario this many times; report the median"
    )
    parser.add_argument("--servers", type=server_kinds, help="comma-separated server kinds")
    parser.add_argument("--output", type=Path, help="directory for latest.md and latest.json")
    parser.add_argument(
        "--wrk-realtime",
        action=argparse.BooleanOptionalAction,
        help="run wrk at real-time priority where allowed (SCHED_FIFO 1)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    return parser.parse_args(argv)


def server_settings(stack: Stack) -> dict[str, object]:
    """Workers and threads of every server: the defaults, and each app served otherwise
    (its own shape, ``portalkit.serve.service_shape``)."""
    settings = ServerSettings.from_env()
    default = {"workers": settings.workers, "threads": settings.threads}
    shapes = {}
    for (_kind, name), server in stack.servers.items():
        shape = {"workers": server.settings.workers, "threads": server.settings.threads}
        if shape != default:
            shapes[name] = shape
    return {**default, "apps": shapes}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    args = parse_args(argv)
    options = Options(
        duration_s=args.duration,
        warmup_s=args.warmup,
        connections=args.connections,
        batch_connections=args.batch_connections,
        threads=args.threads,
        rounds=args.rounds,
        realtime=wrk_priority(args.wrk_realtime),
    )
    scenarios = [BY_NAME[name] for name in args.scenarios]
    about = machine.machine()
    work_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    servers = {name for scenario in (*BASELINES, *scenarios) for name in scenario.servers}
    stack = Stack(work_dir, servers, args.articles, args.servers)
    started = time.monotonic()
    ok = False
    try:
        log.info("starting %s (work directory %s)", ", ".join(sorted(servers)), work_dir)
        content = stack.start()
        log.info("%d published articles; measuring", len(content.articles))
        measured, baseline_runs = Runner(stack, options, work_dir).run(scenarios)
        memory: dict[str, dict[str, dict]] = {}
        for (kind, name), server in stack.servers.items():
            memory.setdefault(kind, {})[name] = server.memory().as_dict()
        about["loadavg_at_end"] = machine.load_average()
        about["elapsed_s"] = round(time.monotonic() - started, 1)
        doc = report.document(
            measured, baseline_runs, memory, about, options, server_settings(stack)
        )
        ok = True
    finally:
        stack.stop()
        if ok and not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            log.info("logs kept in %s", work_dir)
    text = report.markdown(doc)
    print(text)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "latest.md").write_text(text)
    (args.output / "latest.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    log.info("written to %s", args.output / "latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
