"""Reading JSON within limits: depth, 64-bit integers, finite numbers."""

from __future__ import annotations

import json

import pytest

from portalkit.json_limits import (
    MAX_DEPTH,
    JSONTooComplex,
    NumberOutOfRange,
    bounded_loads,
    depth,
)


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


# Flask hands request bodies over as bytes, events come as text: both are read alike.
AS_SENT = pytest.mark.parametrize("form", [str, str.encode], ids=["text", "bytes"])


def test_depth_counts_lists_and_objects_and_scalars_are_zero():
    assert depth(5) == 0
    assert depth("text") == 0
    assert depth([]) == 1
    assert depth({"a": [1, {"b": []}]}) == 4
    assert depth([[1], [[2]], 3]) == 3


def test_the_depth_limit_holds_at_its_edge():
    assert bounded_loads(nested(MAX_DEPTH)) is not None
    with pytest.raises(JSONTooComplex, match="deeper than"):
        bounded_loads(nested(MAX_DEPTH + 1))
    with pytest.raises(JSONTooComplex, match="deeper than"):
        bounded_loads(nested(5000))


@AS_SENT
def test_numbers_out_of_range_are_named_by_where_they_are(form):
    body = {
        "views": [
            {"article_id": 1, "score": 1.5},
            {"article_id": 2**63, "score": 2.0},
            {"article_id": 3, "score": 1e999},
        ],
        "total": -(2**63) - 1,
    }
    text = json.dumps(body).replace("Infinity", "1e999")
    with pytest.raises(NumberOutOfRange) as raised:
        bounded_loads(form(text))
    where = "a number outside the range this service can store"
    assert raised.value.errors == {
        "views": {"1": {"article_id": [where]}, "2": {"score": [where]}},
        "total": [where],
    }


@AS_SENT
def test_a_body_within_every_limit_reads_as_json_does(form):
    body = {
        "views": [
            {"article_id": i, "client_ip": "10.0.0.1", "user_agent": "Mozilla", "w": 0.5}
            for i in range(1000)
        ],
        "edge": [2**63 - 1, -(2**63), True, None, -0.0],
    }
    text = json.dumps(body)
    assert bounded_loads(form(text)) == json.loads(text)
    short = json.dumps({"id": 10**17, "agent": "build 12345678901234567890123"})
    assert bounded_loads(form(short)) == json.loads(short)


@AS_SENT
@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**40])
def test_a_long_integer_anywhere_is_found_whatever_else_the_body_holds(form, number):
    views = [{"article_id": article_id, "user_agent": "Mozilla/5.0"} for article_id in (1, 2)]
    text = json.dumps({"views": [*views, {"article_id": number, "user_agent": "Mozilla/5.0"}]})
    with pytest.raises(NumberOutOfRange) as raised:
        bounded_loads(form(text))
    assert list(raised.value.errors["views"]) == ["2"]


@AS_SENT
def test_constants_and_endless_integers_are_refused(form):
    for text in ("NaN", '{"a": Infinity}', "[-Infinity]", "1" * 101, "-" + "9" * 5000):
        with pytest.raises(JSONTooComplex):
            bounded_loads(form(text))
