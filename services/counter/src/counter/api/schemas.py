"""Request and response shapes of the counter API; they also generate its OpenAPI."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from counter.counting import REASONS, WINDOWS
from counter.settings import BATCH_MAX_VIEWS
from counter.visitors import ADDRESS_MAX, parse_address

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


class Address(ma.fields.String):
    """An IPv4 or IPv6 address (at most 64 characters), loaded as an :mod:`ipaddress` object."""

    MAX_LENGTH = ADDRESS_MAX

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        address = parse_address(text) if len(text) <= self.MAX_LENGTH else None
        if address is None:
            raise ma.ValidationError("Not an IPv4 or IPv6 address.")
        return address


class BatchViewSchema(ma.Schema):
    article_id = _article_id(required=True)
    visitor_id = _visitor_id()
    client_ip = Address(
        required=True,
        metadata={
            "description": "The reader's IPv4 or IPv6 address as logged (never stored).",
            "maxLength": Address.MAX_LENGTH,
            "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}],
        },
    )
    user_agent = ma.fields.String(
        load_default="",
        validate=validate.Length(max=USER_AGENT_MAX),
        metadata={"description": "The reader's User-Agent; empty means a crawler."},
    )


_VIEW_FIELDS = frozenset(ViewSchema().fields)
_BATCH_FIELDS = frozenset(BatchViewSchema().fields)

# The fast paths below accept only what the schemas accept (tests hold them to it), so
# they change speed, never the outcome; anything unusual, and every error, goes through
# the schema and its messages.


def _plain_article_id(value: object) -> bool:
    return type(value) is int and 1 <= value <= MAX_ARTICLE_ID


def _plain_visitor_id(value: object) -> bool:
    return value is None or (type(value) is str and 1 <= len(value) <= VISITOR_ID_MAX)


def plain_view(item: object) -> dict | None:
    """A ``POST /v1/views`` body loaded without marshmallow, or None (the schema decides)."""
    if type(item) is not dict or not item.keys() <= _VIEW_FIELDS:
        return None
    article_id = item.get("article_id")
    visitor_id = item.get("visitor_id")
    if not _plain_article_id(article_id) or not _plain_visitor_id(visitor_id):
        return None
    return {"article_id": article_id, "visitor_id": visitor_id}


def _plain_view(item: object) -> dict | None:
    """One view of a batch loaded without marshmallow, or None (the schema decides)."""
    if type(item) is not dict or not item.keys() <= _BATCH_FIELDS:
        return None
    article_id = item.get("article_id")
    client_ip = item.get("client_ip")
    user_agent = item.get("user_agent", "")
    visitor_id = item.get("visitor_id")
    if (
        not _plain_article_id(article_id)
        or type(client_ip) is not str
        or len(client_ip) > Address.MAX_LENGTH
        or type(user_agent) is not str
        or len(user_agent) > USER_AGENT_MAX
        or not _plain_visitor_id(visitor_id)
    ):
        return None
    address = parse_address(client_ip)
    if address is None:
        return None
    return {
        "article_id": article_id,
        "visitor_id": visitor_id,
        "client_ip": address,
        "user_agent": user_agent,
    }


class BatchViews(ma.fields.List):
    """``List(Nested(BatchViewSchema))`` with a plain-Python path for well-formed items.

    A log shipper's 1,000 views cost marshmallow ~25 ms; checked directly they cost a
    few. The OpenAPI document is that of the list of :class:`BatchViewSchema`.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(ma.fields.Nested(BatchViewSchema), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list:
            loaded = [_plain_view(item) for item in value]
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
