"""Request and response shapes of the counter API; they also generate its OpenAPI."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from counter.counting import REASONS, WINDOWS
from counter.settings import BATCH_MAX_VIEWS
from counter.visitors import parse_address

MAX_ARTICLE_ID = 2**53 - 1
MAX_VIEWS = 2**53 - 1
MAX_IDS = 200
VISITOR_ID_MAX = 128
USER_AGENT_MAX = 1024


def _article_id(**kwargs) -> ma.fields.Integer:
    return ma.fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_ARTICLE_ID),
        metadata={"description": "The article's id (from the articles service)."},
        **kwargs,
    )


def _visitor_id() -> ma.fields.String:
    return ma.fields.String(
        validate=validate.Length(min=1, max=VISITOR_ID_MAX),
        allow_none=True,
        load_default=None,
        metadata={"description": "The reader's first-party cookie id, when there is one."},
    )


class ViewSchema(ma.Schema):
    article_id = _article_id(required=True)
    visitor_id = _visitor_id()


class ViewResultSchema(ma.Schema):
    article_id = ma.fields.Integer(required=True)
    views = ma.fields.Integer(required=True, metadata={"description": "Total after this view."})
    counted = ma.fields.Boolean(required=True)
    reason = ma.fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(REASONS),
        metadata={"description": "Why the view was not counted; null when it was."},
    )


class CountSchema(ma.Schema):
    article_id = ma.fields.Integer(required=True)
    views = ma.fields.Integer(required=True)
    unique_visitors = ma.fields.Integer(
        required=True, metadata={"description": "Approximate (HyperLogLog, ~0.8% error)."}
    )
    today = ma.fields.Integer(
        required=True, metadata={"description": "Views today (calendar day, Asia/Ho_Chi_Minh)."}
    )


class CountsQueryArgsSchema(ma.Schema):
    ids = DelimitedList(
        ma.fields.Integer(validate=validate.Range(min=1, max=MAX_ARTICLE_ID)),
        required=True,
        validate=validate.Length(min=1, max=MAX_IDS),
        metadata={"description": f"Comma-separated article ids, at most {MAX_IDS}."},
    )


class CountsSchema(ma.Schema):
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        required=True,
        metadata={"description": "Article id -> views; 0 for an id never counted."},
    )


class TopQueryArgsSchema(ma.Schema):
    window = ma.fields.String(
        load_default="day",
        validate=validate.OneOf(WINDOWS),
        metadata={"description": "Calendar days in Asia/Ho_Chi_Minh: today, 7, 30, or all time."},
    )
    limit = ma.fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class TopItemSchema(ma.Schema):
    article_id = ma.fields.Integer(required=True)
    views = ma.fields.Integer(required=True)


class TopSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TopItemSchema), required=True)


class SetViewsSchema(ma.Schema):
    views = ma.fields.Integer(
        strict=True, required=True, validate=validate.Range(min=0, max=MAX_VIEWS)
    )


class SetViewsResultSchema(ma.Schema):
    article_id = ma.fields.Integer(required=True)
    views = ma.fields.Integer(required=True)


def _validate_address(value: str) -> None:
    if parse_address(value) is None:
        raise ma.ValidationError("Not an IPv4 or IPv6 address.")


class BatchViewSchema(ma.Schema):
    article_id = _article_id(required=True)
    visitor_id = _visitor_id()
    client_ip = ma.fields.String(
        required=True,
        validate=[validate.Length(max=64), _validate_address],
        metadata={"description": "The reader's address as logged (never stored)."},
    )
    user_agent = ma.fields.String(
        load_default="",
        validate=validate.Length(max=USER_AGENT_MAX),
        metadata={"description": "The reader's User-Agent; empty means a crawler."},
    )


class BatchSchema(ma.Schema):
    views = ma.fields.List(
        ma.fields.Nested(BatchViewSchema),
        required=True,
        validate=validate.Length(min=1, max=BATCH_MAX_VIEWS),
    )


class BatchResultSchema(ma.Schema):
    received = ma.fields.Integer(required=True)
    counted = ma.fields.Integer(required=True)
    not_counted = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.OneOf(REASONS)),
        values=ma.fields.Integer(),
        required=True,
        metadata={"description": "Reason -> number of views not counted for it."},
    )
