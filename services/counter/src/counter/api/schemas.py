"""Request and response shapes of the counter API; they also generate its OpenAPI."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from counter.api.view_fields import (
    BATCH_VIEW,
    MAX_ARTICLE_ID,
    VIEW,
    load_plain,
    schema_fields,
)
from counter.counting import REASONS, WINDOWS
from counter.settings import BATCH_MAX_VIEWS

MAX_VIEWS = 2**53 - 1
MAX_IDS = 200

ViewSchema = ma.Schema.from_dict(schema_fields(VIEW), name="ViewSchema")
BatchViewSchema = ma.Schema.from_dict(schema_fields(BATCH_VIEW), name="BatchViewSchema")


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


class BatchViews(ma.fields.List):
    """``List(Nested(BatchViewSchema))`` with a plain-Python path for well-formed items.

    A log shipper's 1,000 views cost marshmallow ~25 ms; checked directly they cost a
    few. The OpenAPI document is that of the list of :class:`BatchViewSchema`.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(ma.fields.Nested(BatchViewSchema), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list:
            loaded = [load_plain(BATCH_VIEW, item) for item in value]
            if None not in loaded:
                return loaded
        return super()._deserialize(value, attr, data, **kwargs)


class BatchSchema(ma.Schema):
    views = BatchViews(
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
