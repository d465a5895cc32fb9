"""One bounded schemathesis run over one operation.

Cases come from ``as_strategy`` under ``@given``: schemathesis' pytest fixture loader
does not run under pytest 9 yet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode


def case_runner(
    operation: object,
    mode: GenerationMode,
    examples: int,
    send: Callable[[Any], None],
    *,
    derandomize: bool = False,
    phases: Sequence[Phase] | None = None,
) -> Callable[[], None]:
    """A hypothesis test that hands ``examples`` generated cases of one operation to ``send``."""
    options: dict[str, Any] = {
        "max_examples": examples,
        "deadline": None,
        "database": None,
        "derandomize": derandomize,
        "suppress_health_check": list(HealthCheck),
    }
    if phases is not None:
        options["phases"] = list(phases)

    @given(case=operation.as_strategy(generation_mode=mode))  # type: ignore[attr-defined]
    @hypothesis_settings(**options)
    def run(case) -> None:
        send(case)

    return run


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
    case_runner(
        operation,
        mode,
        examples,
        lambda case: case.call_and_validate(headers=headers, checks=list(checks)),
        derandomize=derandomize,
    )()
