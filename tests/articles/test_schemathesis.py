"""Property-based requests from the OpenAPI document, in process: no server errors.

Bounded: a fixed number of generated cases over every operation, valid ones and
invalid ones, with a token so writes run too, over a database holding some
categories and articles. (Schemathesis' pytest plugin does not run under pytest 9,
so its strategies are driven with Hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from articles_kit import AUTH
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from support.fuzzing import fuzz_operation

EXAMPLES = 15  # per operation and mode


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_for_any_generated_request(app, make_article, mode):
    make_article(title="Bài mẫu", tags=["Mẫu"])
    make_article(title="Bài nháp", status="draft")
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    exercised = 0

    for operation in operations:
        try:
            fuzz_operation(
                operation,
                mode,
                examples=EXAMPLES,
                headers=AUTH,
                checks=[not_a_server_error],
                derandomize=True,
            )
        except Unsatisfiable:
            # Nothing of this operation can be made invalid (no parameters, no body).
            assert mode == GenerationMode.NEGATIVE
            continue
        exercised += 1
    assert exercised >= (11 if mode == GenerationMode.POSITIVE else 7)
