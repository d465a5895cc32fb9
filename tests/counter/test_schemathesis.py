"""A bounded schemathesis run over the OpenAPI document, in process: no server errors.

Cases are drawn per operation with hypothesis (valid and invalid inputs) and sent to
the app through WSGI, with a token and a browser user agent so writes and counting
paths are reached. schemathesis' pytest loader for fixtures does not run under
pytest 9 yet, hence ``as_strategy`` with ``@given``.
"""

from __future__ import annotations

import pytest
import schemathesis
from counter_kit import BROWSER, TOKEN
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from support.fuzzing import fuzz_operation

OPERATIONS = [
    ("POST", "/v1/views"),
    ("GET", "/v1/views"),
    ("GET", "/v1/views/{article_id}"),
    ("PUT", "/v1/views/{article_id}"),
    ("POST", "/v1/views/batch"),
    ("GET", "/v1/top"),
]
EXAMPLES = 30


@pytest.fixture
def api_schema(make_app, settings, articles):
    articles.publish(1, 2, 3, 42)
    return schemathesis.openapi.from_wsgi("/openapi.json", make_app(settings))


def test_every_operation_of_the_document_is_fuzzed(api_schema):
    documented = {
        (result.ok().method.upper(), result.ok().path) for result in api_schema.get_all_operations()
    }

    assert documented == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_generated_request_makes_a_server_error(api_schema, method, path, mode):
    fuzz_operation(
        api_schema[path][method],
        mode,
        examples=EXAMPLES,
        headers={"Authorization": f"Bearer {TOKEN}", "User-Agent": BROWSER},
        checks=[not_a_server_error, response_schema_conformance],
    )
