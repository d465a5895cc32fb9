"""The batch's plain-Python path accepts only what the marshmallow schema accepts."""

from __future__ import annotations

import marshmallow as ma
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from counter.api.schemas import BatchSchema, BatchViewSchema, ViewSchema
from counter.api.view_fields import BATCH_VIEW, VIEW, load_plain

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.lists(st.integers(), max_size=2),
)
# Per field: values the schema should take, and values near or past its limits.
FIELDS = {
    "article_id": (
        st.integers(min_value=1, max_value=2**53 - 1),
        st.one_of(st.sampled_from([0, -1, 2**53, True, 1.0, "1"]), anything),
    ),
    "client_ip": (
        st.ip_addresses().map(str),
        st.one_of(
            st.sampled_from(["::ffff:10.0.0.1", " 198.51.100.1", "1.2.3", "", "1" * 70]),
            anything,
        ),
    ),
    "user_agent": (
        st.text(max_size=40),
        st.one_of(st.just("a" * 1024), st.just("a" * 1025), anything),
    ),
    "visitor_id": (
        st.one_of(st.none(), st.text(min_size=1, max_size=128)),
        st.one_of(st.just(""), st.text(min_size=129, max_size=130), anything),
    ),
}


def draw_fields(draw, names) -> dict:
    """Mostly good values of ``names``, each now and then absent or off."""
    drawn = {}
    for name in names:
        good, bad = FIELDS[name]
        roll = draw(st.integers(0, 9))
        if roll == 0:
            continue
        drawn[name] = draw(bad if roll == 1 else good)
    return drawn


def load_or_none(schema: ma.Schema, data: object) -> dict | None:
    try:
        return schema.load(data)
    except ma.ValidationError:
        return None


@st.composite
def items(draw):
    """Mostly well-formed views, each field now and then absent or off."""
    item = draw_fields(draw, FIELDS)
    if draw(st.integers(0, 19)) == 0:
        item["extra"] = 1
    return item


@given(items())
@hypothesis_settings(max_examples=400, deadline=None, database=None)
def test_a_view_the_fast_path_accepts_loads_the_same_through_the_schema(item):
    fast = load_plain(BATCH_VIEW, item)
    full = load_or_none(BatchViewSchema(), item)

    if fast is not None:
        assert full == fast
    if full is not None:
        assert fast == full, "a well-formed view must not need the slow path"


def test_a_batch_with_one_odd_view_is_judged_by_the_schema():
    good = {"article_id": 1, "client_ip": "198.51.100.1"}
    odd = {"article_id": 1, "client_ip": "198.51.100.1", "visitor_id": "x" * 129}

    try:
        BatchSchema().load({"views": [good, odd]})
    except ma.ValidationError as exc:
        errors = exc.messages
    assert errors == {"views": {1: {"visitor_id": ["Length must be between 1 and 128."]}}}


@st.composite
def view_bodies(draw):
    """``POST /v1/views`` bodies: mostly well formed, now and then a field absent or off."""
    body = draw_fields(draw, ("article_id", "visitor_id"))
    if draw(st.integers(0, 19)) == 0:
        body["client_ip"] = "198.51.100.1"  # a batch field: unknown to a single view
    return body if draw(st.integers(0, 29)) else [body]


@given(view_bodies())
@hypothesis_settings(max_examples=400, deadline=None, database=None)
def test_a_single_view_the_fast_path_accepts_loads_the_same_through_the_schema(body):
    fast = load_plain(VIEW, body)
    full = load_or_none(ViewSchema(), body)

    if fast is not None:
        assert full == fast
    if full is not None and type(body["article_id"]) is int:
        assert fast == full, "a well-formed view must not need the slow path"
