"""The results: a JSON document, and the Markdown tables printed and kept in latest.md."""

from __future__ import annotations

from dataclasses import dataclass

from bench.runner import Measured, Options

P99_LIMIT_MS = 25.0
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
        "kind": m.kind,
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


def _ratio_target(
    name: str, data: dict | None, baseline: str, minimum: float, kind: str
) -> Target | None:
    if data is None or data["ratio"].get(baseline) is None:
        return None
    ratio = data["ratio"][baseline]
    return Target(
        f"{kind}: {name}",
        f"{ratio:.2f}x {baseline}",
        ratio >= minimum,
        f"{(ratio / minimum - 1) * 100:+.0f}% vs {minimum}x",
    )


def _round_trips(views: dict, kind: str) -> Target | None:
    if not views["redis"]["client_commands_per_request"]:
        return None
    sent = sum(
        calls
        for name, calls in views["redis"]["client_commands_per_request"].items()
        if name not in HANDSHAKE
    )
    return Target(
        f"{kind}: at most one Redis round trip per view",
        f"{sent:g} command(s) sent per view "
        f"({views['redis']['commands_per_counted_view']} run, in Lua)",
        sent <= 1,
        f"{sent - 1:+g}",
    )


def _peer_target(views: dict | None, vote: dict | None, kind: str) -> Target | None:
    """Both as ratios to the same server's incr, so the drift between their runs cancels."""
    if views is None or vote is None or not vote["ratio"].get("incr"):
        return None
    times = views["ratio"]["incr"] / vote["ratio"]["incr"]
    return Target(
        f"{kind}: counter POST /v1/views >= 5x the peer's vote POST",
        f"{times:.1f}x ({views['rps']:,.0f} / {vote['rps']:,.0f} req/s)",
        times >= 5,
        f"{(times / 5 - 1) * 100:+.0f}%",
    )


def targets(results: dict[str, dict], servers: dict[str, dict], kind: str) -> list[Target]:
    """The targets of issue 10, judged on this run for one server kind."""
    views = results.get("counter-views")
    found: list[Target | None] = [
        _ratio_target("counter POST /v1/views >= 0.85x incr", views, "incr", 0.85, kind),
        _ratio_target(
            "counter POST /v1/views >= 1.5x gunicorn's incr", views, "gunicorn:incr", 1.5, kind
        ),
        _round_trips(views, kind) if views else None,
        _ratio_target(
            "article by slug >= 1.7x gunicorn's incr",
            results.get("articles-by-slug"),
            "gunicorn:incr",
            1.7,
            kind,
        ),
        _ratio_target(
            "web article page >= 1.0x gunicorn's bare",
            results.get("web-article"),
            "gunicorn:bare",
            1.0,
            kind,
        ),
        _ratio_target(
            "weather current >= 0.85x incr", results.get("weather-current"), "incr", 0.85, kind
        ),
        _peer_target(views, results.get("peer-vote"), kind),
    ]
    batch = results.get("counter-batch")
    if batch is not None:
        rate = batch["counted_views_per_s"] or 0.0
        found.append(
            Target(
                f"{kind}: batch ingest >= 100,000 views/s",
                f"{rate:,.0f} counted views/s",
                rate >= 100_000,
                f"{(rate / 100_000 - 1) * 100:+.0f}%",
            )
        )
    for data in results.values():
        if not data["api"] or data["batch"]:
            continue
        p99 = data["latency_ms"]["p99"]
        found.append(
            Target(
                f"{kind}: p99 < {P99_LIMIT_MS:g} ms: {data['name']}",
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
                f"{kind}: no server process over 100 MB resident",
                f"largest: {name} {top:.0f} MiB",
                top * 1.048576 <= RSS_LIMIT_MIB,
                f"{top * 1.048576 - RSS_LIMIT_MIB:+.0f} MB",
            )
        )
    return [target for target in found if target is not None]


def _results(measured: list[Measured]) -> dict[str, dict]:
    """Each scenario's median round, with every round listed when there are several."""
    results = {}
    for name in dict.fromkeys(m.scenario.name for m in measured):
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
    return results


def document(
    measured: list[Measured],
    baseline_runs: list[Measured],
    servers: dict[str, dict[str, dict]],
    machine: dict,
    options: Options,
    settings: dict,
) -> dict:
    """``servers``: peak memory by kind, then app name."""
    kinds = list(dict.fromkeys(m.kind for m in (*baseline_runs, *measured)))
    results = {kind: _results([m for m in measured if m.kind == kind]) for kind in kinds}
    return {
        "machine": machine,
        "options": vars(options),
        "settings": settings,
        "kinds": kinds,
        "scenarios": results,
        "baseline_runs": [
            {"name": b.scenario.name, "kind": b.kind, **b.result.as_dict(), "cpu": b.cpu}
            for b in baseline_runs
        ],
        "servers_peak_rss_mib": servers,
        "targets": [
            vars(t) for kind in kinds for t in targets(results[kind], servers.get(kind, {}), kind)
        ],
    }


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(data: dict, baseline: str) -> str:
    """A batch request carries 1,000 views: its request rate is not comparable."""
    return "–" if data["batch"] else _num(data["ratio"].get(baseline), 2)


def _cross(data: dict, kinds: list[str]) -> str:
    return " / ".join(ratio(data, f"{kind}:incr") for kind in kinds)


def markdown(doc: dict) -> str:
    m, o, g, kinds = doc["machine"], doc["options"], doc["settings"], doc["kinds"]
    every = [data for kind in kinds for data in doc["scenarios"][kind].values()]
    runs = [*every, *doc["baseline_runs"]]
    others = sum(run["cpu"]["others_cores"] for run in runs) / max(len(runs), 1)
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB; "
        f"load average at start {' / '.join(map(str, m['loadavg_at_start']))}; "
        f"{m['redis'].split(' sha=')[0]}; {m['wrk'].split(' [')[0]}; Python {m['python']}.",
        f"Servers: {', '.join(kinds)}, each {g['workers']} workers x {g['threads']} threads"
        + "".join(
            f"; {name} {shape['workers']} x {shape['threads']} (its own shape)"
            for name, shape in sorted(g.get("apps", {}).items())
        )
        + ". "
        f"wrk: {o['threads']} threads, {o['connections']} connections "
        f"({o['batch_connections']} for the batch), {o['duration_s']:g} s per run "
        f"after {o['warmup_s']:g} s of warm-up, "
        + (
            "at real-time priority (SCHED_FIFO 1)"
            if o.get("realtime")
            else "at the normal priority"
        )
        + (f"; {o['rounds']} rounds, the median shown." if o.get("rounds", 1) > 1 else "."),
        f"Other processes used {others:.2f} cores on average during the measured runs "
        f"(the machine's busy time minus the benchmark's own); load average at the end "
        f"{' / '.join(map(str, m.get('loadavg_at_end', [])))}.",
        "",
        "x bare and x incr: against the same server's baselines; x incr of each server: "
        f"against {' / '.join(kinds)}'s incr.",
        "",
        "| scenario | server | req/s | views/s | p50 ms | p99 ms | errors "
        "| peak RSS MiB (main / workers) | x bare | x incr "
        f"| x incr of {' / '.join(kinds)} | other load (cores) |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    names = list(dict.fromkeys(data["name"] for data in every))
    for name in names:
        for kind in kinds:
            data = doc["scenarios"][kind].get(name)
            if data is None:
                continue
            mem = data["peak_rss_mib"]
            workers = " ".join(f"{w:.0f}" for w in mem.get("workers_mib", []))
            lines.append(
                f"| {data['title']} | {kind} | {_num(data['rps'])} "
                f"| {_num(data['counted_views_per_s'])} "
                f"| {data['latency_ms']['p50']:.1f} | {data['latency_ms']['p99']:.1f} "
                f"| {data['error_count']} | {mem.get('master_mib', 0):.0f} / {workers} "
                f"| {ratio(data, 'bare')} | {ratio(data, 'incr')} | {_cross(data, kinds)} "
                f"| {data['cpu']['others_cores']:.2f} |"
            )
    several = [data for data in every if "rounds" in data]
    if several:
        lines += ["", "Every round (x incr, or views/s for the batch; the median is above):", ""]
        for data in several:
            if data["batch"]:
                each = ", ".join(_num(r["counted_views_per_s"]) for r in data["rounds"])
            else:
                each = ", ".join(_num(r["ratio"].get("incr"), 2) for r in data["rounds"])
            lines.append(f"- {data['name']} ({data['kind']}): {each}")
    lines += ["", "Baseline runs (req/s, in order):", ""]
    for kind in kinds:
        for name in ("bare", "incr"):
            runs = [r for r in doc["baseline_runs"] if r["name"] == name and r["kind"] == kind]
            rates = ", ".join(f"{run['rps']:,.0f}" for run in runs)
            p99s = ", ".join(f"{run['latency_ms']['p99']:.1f}" for run in runs)
            lines.append(f"- {name} ({kind}): {rates} (p99 ms: {p99s})")
    lines += [
        "",
        "| scenario | server | Redis commands run per request | sent per request (not in Lua) "
        "| run per counted view |",
        "|---|---|---:|---|---:|",
    ]
    for data in every:
        redis = data["redis"]
        sent = redis["client_commands_per_request"]
        sent_text = ", ".join(f"{name} {calls:g}" for name, calls in sent.items()) or "–"
        lines.append(
            f"| {data['name']} | {data['kind']} | {redis['commands_per_request']:g} | {sent_text} "
            f"| {_num(redis['commands_per_counted_view'], 2)} |"
        )
    lines += ["", "| target | measured | met | margin |", "|---|---|---|---|"]
    for target in doc["targets"]:
        met = "met" if target["met"] else "**missed**"
        lines.append(f"| {target['name']} | {target['measured']} | {met} | {target['margin']} |")
    return "\n".join(lines) + "\n"
