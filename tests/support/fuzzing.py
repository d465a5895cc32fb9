"""One bounded schemathesis run over one operation.

Cases come from ``as_strategy`` under ``@given``: schemathesis' pytest fixture loader
does not run under pytest 9 yet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode


def fuzz_operation(
    operation: object,
    mode: GenerationMode,
    *,
    examples: int,
    headers: dict[str, str],
    checks: Sequence[Callable],
    derandomize: bool = False,
) -> None:
    """Send ``examples`` generated requests; any failed check fails the test."""

    @given(case=operation.as_strategy(generation_mode=mode))  # type: ignore[attr-defined]
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=list(checks))

    run()
