"""A bounded schemathesis run over the weather API's OpenAPI document: no server error,
and every answer matches what the document says (status, content type, body schema).

As in the counter suite, cases come from ``as_strategy`` with ``@given`` (the fixture
loader does not run under pytest 9 yet). Every place has an observation (one without
pressure, humidity and wind), so 200 and 404 answers are reached; the 503 before a
place's first fetch is by design and tested in the API suite, and schemathesis counts
any 5xx as a server error. Only the place's slug can be given wrongly (the other
operations take no input), so only it gets negative cases.
"""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from weather_kit import TOKEN

from support.fuzzing import fuzz_operation

OPERATIONS = [
    ("GET", "/v1/locations"),
    ("GET", "/v1/weather"),
    ("GET", "/v1/weather/{slug}"),
    ("POST", "/v1/weather/refresh"),
]
EXAMPLES = 25


@pytest.fixture
def api_schema(app, fetcher, provider):
    provider.set("missing", code=95)
    for place in fetcher.settings.weather_locations:
        fetcher.fetch(place.slug)
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def test_the_document_and_docs_are_served(client, api_schema):
    documented = {
        (result.ok().method.upper(), result.ok().path) for result in api_schema.get_all_operations()
    }

    assert documented == set(OPERATIONS)
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [(method, path, GenerationMode.POSITIVE) for method, path in OPERATIONS]
    + [("GET", "/v1/weather/{slug}", GenerationMode.NEGATIVE)],
)
def test_no_generated_request_makes_a_server_error(api_schema, method, path, mode):
    fuzz_operation(
        api_schema[path][method],
        mode,
        examples=EXAMPLES,
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
