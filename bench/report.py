"""The results: a JSON document, and the Markdown tables printed and kept in latest.md."""

from __future__ import annotations

from dataclasses import dataclass

from bench.runner import Measured, Options

P99_LIMIT_MS = 50.0
RSS_LIMIT_MIB = 100.0
HANDSHAKE = {"HELLO", "CLIENT", "AUTH", "SELECT", "PING"}
"""Commands of a new or idle connection (redis-py's handshake and health check), not of a
request: they are shown but not counted as a view's round trips."""


def scenario_dict(m: Measured) -> dict:
    r = m.result
    views_per_s = r.rps * m.scenario.views_per_request if m.scenario.views_per_request else None
    # Views sent in the requests wrk saw answered, unless fewer were counted. The count
    # read from Redis also holds the requests still in flight when wrk stopped.
    counted_per_s = (
        min(views_per_s, m.counted_views / r.duration_s) if views_per_s is not None else None
    )
    requests = max(r.requests, 1)
    total_commands = sum(m.redis_commands.values())
    data = {
        "name": m.scenario.name,
        "title": m.scenario.title,
        "server": m.scenario.server,
        **r.as_dict(),
        "error_count": r.error_count,
        "views_per_s": round(views_per_s, 1) if views_per_s is not None else None,
        "counted_views": m.counted_views,
        "counted_views_per_s": round(counted_per_s, 1) if counted_per_s is not None else None,
        "peak_rss_mib": m.memory,
        "cpu": m.cpu,
        "redis": {
            "commands": m.redis_commands,
            "commands_per_request": round(total_commands / requests, 2),
            "commands_per_counted_view": round(total_commands / m.counted_views, 2)
            if m.counted_views
            else None,
            "client_commands_per_request": m.client_commands,
        },
        "baseline_rps": {name: round(rps, 1) for name, rps in m.baselines.items()},
        "ratio": {
            name: round(r.rps / rps, 3) if rps else None for name, rps in m.baselines.items()
        },
    }
    return data


def _median_round(rounds: list[dict]) -> dict:
    """The round whose ratio to the incr baseline (views/s for the batch) is the median;
    with an even number, the lower of the middle two. Its client command sample (taken
    in the first round) is kept."""

    def score(r: dict) -> float:
        return (
            r["counted_views_per_s"] or 0.0
            if r["name"] == "counter-batch"
            else (r["ratio"].get("incr") or 0.0)
        )

    ordered = sorted(rounds, key=score)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["redis"] = {
        **chosen["redis"],
        "client_commands_per_request": rounds[0]["redis"]["client_commands_per_request"],
    }
    return chosen


def peak(memory: dict) -> float:
    return max([memory.get("master_mib", 0.0), *memory.get("workers_mib", [])])


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    met: bool
    margin: str


def _ratio_target(name: str, data: dict | None, baseline: str, minimum: float) -> Target | None:
    if data is None:
        return None
    ratio = data["ratio"][baseline]
    return Target(
        name,
        f"{ratio:.2f}x {baseline}",
        ratio >= minimum,
        f"{(ratio / minimum - 1) * 100:+.0f}% vs {minimum}x",
    )


def targets(results: dict[str, dict], servers: dict[str, dict]) -> list[Target]:
    """The targets of issue 9, judged on this run."""
    found: list[Target | None] = []
    views = results.get("counter-views")
    found.append(_ratio_target("counter POST /v1/views >= 0.85x incr", views, "incr", 0.85))
    if views is not None and views["redis"]["client_commands_per_request"]:
        sent = sum(
            calls
            for name, calls in views["redis"]["client_commands_per_request"].items()
            if name not in HANDSHAKE
        )
        found.append(
            Target(
                "one Redis round trip per view",
                f"{sent:g} command(s) sent per view "
                f"({views['redis']['commands_per_counted_view']} run, in Lua)",
                sent <= 1,
                f"{sent - 1:+g}",
            )
        )
    batch = results.get("counter-batch")
    if batch is not None:
        rate = batch["counted_views_per_s"] or 0.0
        found.append(
            Target(
                "batch ingest >= 50,000 views/s",
                f"{rate:,.0f} counted views/s",
                rate >= 50_000,
                f"{(rate / 50_000 - 1) * 100:+.0f}%",
            )
        )
    found.append(
        _ratio_target("article by slug >= 0.7x incr", results.get("articles-by-slug"), "incr", 0.7)
    )
    found.append(
        _ratio_target("web article page >= 0.25x bare", results.get("web-article"), "bare", 0.25)
    )
    for data in results.values():
        if not data["api"] or data["batch"]:
            continue
        p99 = data["latency_ms"]["p99"]
        found.append(
            Target(
                f"p99 < 50 ms: {data['name']}",
                f"{p99:.1f} ms",
                p99 < P99_LIMIT_MS,
                f"{p99 - P99_LIMIT_MS:+.1f} ms",
            )
        )
    heaviest = max(servers.items(), key=lambda item: peak(item[1]), default=None)
    if heaviest is not None:
        name, memory = heaviest
        top = peak(memory)
        found.append(
            Target(
                "no server process over 100 MB resident",
                f"largest: {name} {top:.0f} MiB",
                top * 1.048576 <= RSS_LIMIT_MIB,
                f"{top * 1.048576 - RSS_LIMIT_MIB:+.0f} MB",
            )
        )
    return [target for target in found if target is not None]


def document(
    measured: list[Measured],
    baseline_runs: list[Measured],
    servers: dict[str, dict],
    machine: dict,
    options: Options,
    gunicorn: dict,
) -> dict:
    results = {}
    names = list(dict.fromkeys(m.scenario.name for m in measured))
    for name in names:
        rounds = [scenario_dict(m) for m in measured if m.scenario.name == name]
        data = _median_round(rounds)
        scenario = next(m.scenario for m in measured if m.scenario.name == name)
        data["api"] = scenario.api
        data["batch"] = scenario.batch
        if len(rounds) > 1:
            data["rounds"] = [
                {
                    "rps": r["rps"],
                    "counted_views_per_s": r["counted_views_per_s"],
                    "p99_ms": r["latency_ms"]["p99"],
                    "ratio": r["ratio"],
                }
                for r in rounds
            ]
        results[name] = data
    return {
        "machine": machine,
        "options": vars(options),
        "gunicorn": gunicorn,
        "scenarios": results,
        "baseline_runs": [
            {"name": b.scenario.name, **b.result.as_dict(), "cpu": b.cpu} for b in baseline_runs
        ],
        "servers_peak_rss_mib": servers,
        "targets": [vars(t) for t in targets(results, servers)],
    }


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(data: dict, baseline: str) -> str:
    """A batch request carries 1,000 views: its request rate is not comparable."""
    return "–" if data["batch"] else _num(data["ratio"].get(baseline), 2)


def markdown(doc: dict) -> str:
    m, o, g = doc["machine"], doc["options"], doc["gunicorn"]
    runs = [*doc["scenarios"].values(), *doc["baseline_runs"]]
    others = sum(run["cpu"]["others_cores"] for run in runs) / max(len(runs), 1)
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB; "
        f"load average at start {' / '.join(map(str, m['loadavg_at_start']))}; "
        f"{m['redis'].split(' sha=')[0]}; {m['wrk'].split(' [')[0]}; Python {m['python']}.",
        f"gunicorn: {g['workers']} workers x {g['threads']} threads ({g['worker_class']}). "
        f"wrk: {o['threads']} threads, {o['connections']} connections "
        f"({o['batch_connections']} for the batch), {o['duration_s']:g} s per run "
        f"after {o['warmup_s']:g} s of warm-up"
        + (f"; {o['rounds']} rounds, the median shown." if o.get("rounds", 1) > 1 else "."),
        f"Other processes used {others:.2f} cores on average during the measured runs "
        f"(the machine's busy time minus the benchmark's own); load average at the end "
        f"{' / '.join(map(str, m.get('loadavg_at_end', [])))}.",
        "",
        "| scenario | req/s | views/s | p50 ms | p99 ms | errors | peak RSS MiB "
        "(master / workers) | x bare | x incr | other load (cores) |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for data in doc["scenarios"].values():
        mem = data["peak_rss_mib"]
        workers = " ".join(f"{w:.0f}" for w in mem.get("workers_mib", []))
        lines.append(
            f"| {data['title']} | {_num(data['rps'])} | {_num(data['counted_views_per_s'])} "
            f"| {data['latency_ms']['p50']:.1f} | {data['latency_ms']['p99']:.1f} "
            f"| {data['error_count']} | {mem.get('master_mib', 0):.0f} / {workers} "
            f"| {ratio(data, 'bare')} | {ratio(data, 'incr')} "
            f"| {data['cpu']['others_cores']:.2f} |"
        )
    several = [data for data in doc["scenarios"].values() if "rounds" in data]
    if several:
        lines += ["", "Every round (x incr, or views/s for the batch; the median is above):", ""]
        for data in several:
            if data["batch"]:
                each = ", ".join(_num(r["counted_views_per_s"]) for r in data["rounds"])
            else:
                each = ", ".join(_num(r["ratio"].get("incr"), 2) for r in data["rounds"])
            lines.append(f"- {data['name']}: {each}")
    lines += ["", "Baseline runs (req/s, in order):", ""]
    for name in ("bare", "incr"):
        runs = [run for run in doc["baseline_runs"] if run["name"] == name]
        rates = ", ".join(f"{run['rps']:,.0f}" for run in runs)
        p99s = ", ".join(f"{run['latency_ms']['p99']:.1f}" for run in runs)
        lines.append(f"- {name}: {rates} (p99 ms: {p99s})")
    lines += [
        "",
        "| scenario | Redis commands run per request | sent per request (not in Lua) "
        "| run per counted view |",
        "|---|---:|---|---:|",
    ]
    for data in doc["scenarios"].values():
        redis = data["redis"]
        sent = redis["client_commands_per_request"]
        sent_text = ", ".join(f"{name} {calls:g}" for name, calls in sent.items()) or "–"
        lines.append(
            f"| {data['name']} | {redis['commands_per_request']:g} | {sent_text} "
            f"| {_num(redis['commands_per_counted_view'], 2)} |"
        )
    lines += ["", "| target | measured | met | margin |", "|---|---|---|---|"]
    for target in doc["targets"]:
        met = "met" if target["met"] else "**missed**"
        lines.append(f"| {target['name']} | {target['measured']} | {met} | {target['margin']} |")
    return "\n".join(lines) + "\n"
