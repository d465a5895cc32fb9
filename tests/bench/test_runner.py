"""The order in which ``make bench`` warms, measures and samples (bench/runner.py),
with wrk and the stack left out: what each step was asked to do is recorded."""

from __future__ import annotations

from types import SimpleNamespace

from bench.runner import Measured, Options, Runner
from bench.scenarios import BY_NAME
from bench.wrk import WrkResult

KINDS = ("gunicorn", "granian")


class Recording(Runner):
    def __init__(self, rounds: int) -> None:
        options = Options(
            duration_s=1, warmup_s=1, connections=4, batch_connections=1, threads=1, rounds=rounds
        )
        super().__init__(SimpleNamespace(kinds=KINDS), options, work_dir=None)
        self.steps: list[tuple[str, str, str]] = []

    def warm(self, scenario, kind):
        self.steps.append(("warm", scenario.name, kind))

    def measure(self, scenario, kind, label):
        self.steps.append(("measure", scenario.name, kind))
        result = WrkResult(requests=100, duration_s=1.0, errors={}, latency_ms={})
        return Measured(scenario, kind, result, cpu={})

    def sample(self, scenario, kind):
        self.steps.append(("sample", scenario.name, kind))
        return {}


def test_every_round_warms_each_scenario_before_measuring_it():
    scenarios = [BY_NAME["articles-by-slug"], BY_NAME["counter-views"]]
    runner = Recording(rounds=3)

    measured, _baselines = runner.run(scenarios)

    assert len(measured) == 3 * len(scenarios) * len(KINDS)
    for name in ("articles-by-slug", "counter-views"):
        for kind in KINDS:
            mine = [step[0] for step in runner.steps if step[1:] == (name, kind)]
            # Warmed before each round's run (a later round comes minutes after the last,
            # when the services' caches have dropped what the first warm-up filled);
            # its round trips sampled once, in the first round.
            assert mine == ["warm", "measure", "sample", "warm", "measure", "warm", "measure"]
