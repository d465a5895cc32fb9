"""The measuring loop: baselines and scenarios alternate so drift cancels out.

Order, with every server kind (gunicorn, granian) in turn inside each step: bare, incr,
scenario 1, bare, incr, scenario 2, ..., bare, incr. A scenario is compared with the
mean of the baseline runs just before and just after it (those of its own server, and
those of every other), so a machine that slows down (or speeds up) during the run moves
both sides alike.
"""

from __future__ import annotations

import itertools
import logging
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import redis_stats
from bench.content import forget_visitors
from bench.machine import CpuMeter
from bench.scenarios import BASELINES, Scenario
from bench.stack import Stack
from bench.wrk import Load, WrkResult, make_script, run_wrk

log = logging.getLogger("bench")

SAMPLE_REQUESTS = 50
WARM_LIMIT_S = 120


@dataclass(frozen=True)
class Options:
    duration_s: float
    warmup_s: float
    connections: int
    batch_connections: int
    threads: int
    rounds: int = 1
    realtime: bool = False
    """wrk runs at real-time priority (``bench.wrk.REALTIME``)."""


@dataclass
class Measured:
    """One measured wrk run and what was read around it."""

    scenario: Scenario
    kind: str
    """The server kind that served it (gunicorn, granian)."""
    result: WrkResult
    cpu: dict[str, float]
    memory: dict = field(default_factory=dict)
    redis_commands: dict[str, int] = field(default_factory=dict)
    counted_views: int = 0
    client_commands: dict[str, float] = field(default_factory=dict)
    baselines: dict[str, float] = field(default_factory=dict)
    """Mean requests/s of each baseline's runs just before and after this one: ``bare``
    and ``incr`` of the same server, and ``<kind>:bare``, ``<kind>:incr`` of each."""


class Runner:
    def __init__(self, stack: Stack, options: Options, work_dir: Path) -> None:
        self.stack = stack
        self.options = options
        self.work_dir = work_dir
        self.run_numbers = itertools.count(1)

    def _script(self, scenario: Scenario) -> str:
        assert self.stack.content is not None
        data = {**scenario.data(self.stack.content), "RUN": next(self.run_numbers)}
        return make_script(scenario.part, data)

    def _load(self, scenario: Scenario, duration_s: float) -> Load:
        connections = self.options.batch_connections if scenario.batch else self.options.connections
        threads = min(self.options.threads, connections)
        return Load(
            duration_s=duration_s,
            connections=connections,
            threads=threads,
            realtime=self.options.realtime,
        )

    def warm(self, scenario: Scenario, kind: str) -> None:
        """Run the scenario unmeasured for the warm-up time, and until answers come back
        (a worker's first requests compile regexes and templates, fill caches)."""
        if self.options.warmup_s <= 0:
            return
        server = self.stack.server(kind, scenario.server)
        load = self._load(scenario, self.options.warmup_s)
        deadline = time.monotonic() + WARM_LIMIT_S
        for attempt in itertools.count():
            label = f"warm-{scenario.name}-{kind}-{attempt}"
            if run_wrk(server.url, self._script(scenario), load, self.work_dir, label).requests:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{scenario.name}: no answer within {WARM_LIMIT_S}s of warm-up")

    def measure(self, scenario: Scenario, kind: str, label: str) -> Measured:
        server = self.stack.server(kind, scenario.server)
        client = self.stack.redis.client
        load = self._load(scenario, self.options.duration_s)
        script = self._script(scenario)
        if scenario.views_per_request:
            forget_visitors(client)
        redis_stats.wait_quiet(client)
        stats_before = redis_stats.commandstats(client)
        views_before = redis_stats.counted_views(client) if scenario.views_per_request else 0
        with CpuMeter(self.stack.pids()) as cpu:
            result = run_wrk(server.url, script, load, self.work_dir, label)
        redis_stats.wait_quiet(client)
        measured = Measured(scenario, kind, result, cpu.as_dict())
        measured.redis_commands = redis_stats.delta(stats_before, redis_stats.commandstats(client))
        if scenario.views_per_request:
            measured.counted_views = redis_stats.counted_views(client) - views_before
        measured.memory = server.memory().as_dict()
        log.info(
            "%-18s %-9s %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d",
            scenario.name,
            kind,
            result.rps,
            result.latency_ms["p50"],
            result.latency_ms["p99"],
            result.error_count,
        )
        return measured

    def sample(self, scenario: Scenario, kind: str) -> dict[str, float]:
        if scenario.sample is None:
            return {}
        redis_stats.wait_quiet(self.stack.redis.client)
        content = self.stack.content
        return redis_stats.client_commands(
            self.stack.redis.client,
            SAMPLE_REQUESTS,
            lambda index: scenario.sample(content, index),
            self.stack.server(kind, scenario.server).url,
        )

    def baselines(self, step: int) -> list[Measured]:
        """Every baseline under every server kind: one step of the alternation."""
        return [
            self.measure(baseline, kind, f"{baseline.name}-{kind}-{step}")
            for kind in self.stack.kinds
            for baseline in BASELINES
        ]

    def run(self, scenarios: list[Scenario]) -> tuple[list[Measured], list[Measured]]:
        """Measure every scenario under every server between baseline runs; returns
        (scenarios, baselines)."""
        kinds = self.stack.kinds
        for kind in kinds:
            for baseline in BASELINES:
                self.warm(baseline, kind)
        steps: list[list[Measured]] = []
        measured: list[tuple[int, Measured]] = []
        # With several rounds the whole sequence repeats. A scenario is warmed in every
        # round: a round lasts minutes, past the age at which the services' caches drop
        # an answer (the articles' after 300 s), and unwarmed, a later round measured
        # their rebuilding all at once (BENCHMARKS.md). Round trips are sampled once.
        sequence = [scenario for _ in range(self.options.rounds) for scenario in scenarios]
        for index, scenario in enumerate(sequence):
            steps.append(self.baselines(index))
            first = index < len(scenarios)
            for kind in kinds:
                self.warm(scenario, kind)
                result = self.measure(scenario, kind, f"{scenario.name}-{kind}-{index}")
                if first:
                    result.client_commands = self.sample(scenario, kind)
                measured.append((index, result))
        steps.append(self.baselines(len(sequence)))
        for index, result in measured:
            around = steps[index] + steps[index + 1]
            for run in around:
                key = f"{run.kind}:{run.scenario.name}"
                runs = [r.result.rps for r in around if f"{r.kind}:{r.scenario.name}" == key]
                result.baselines[key] = statistics.fmean(runs)
                if run.kind == result.kind:
                    result.baselines[run.scenario.name] = result.baselines[key]
        return [result for _, result in measured], [run for step in steps for run in step]
