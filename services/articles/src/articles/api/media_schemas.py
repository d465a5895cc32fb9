"""Schemas of ``/v1/media``: the upload's form, edits, queries and the media record."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from articles.api.schemas import RenditionSchema, Text

STATUSES = ("processing", "ready", "failed")


class MediaFieldsSchema(ma.Schema):
    caption = Text(allow_none=True, validate=validate.Length(max=2000))
    alt = Text(
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "what the photo shows, for readers who cannot see it"},
    )
    credit = Text(allow_none=True, validate=validate.Length(max=200))


class MediaFileSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "a JPEG, PNG, WebP or GIF image (type read from its bytes)"},
    )


class MediaQueryArgsSchema(ma.Schema):
    q = Text(
        validate=validate.Length(max=200),
        metadata={"description": "words of the caption, alt text or credit, accents ignored"},
    )
    status = fields.String(validate=validate.OneOf(STATUSES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class OriginalSchema(ma.Schema):
    width = fields.Integer(required=True, metadata={"description": "upright"})
    height = fields.Integer(required=True)
    bytes = fields.Integer(required=True)
    type = fields.String(required=True)


class MediaSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    reason = fields.String(allow_none=True, metadata={"description": "why it failed"})
    original = fields.Nested(OriginalSchema, required=True)
    renditions = fields.List(fields.Nested(RenditionSchema), required=True)
    caption = fields.String(allow_none=True)
    alt = fields.String(allow_none=True)
    credit = fields.String(allow_none=True)
    sha256 = fields.String(required=True)
    created_at = fields.String(metadata={"format": "date-time"})
    updated_at = fields.String(metadata={"format": "date-time"})
    created_by = fields.String(allow_none=True)


class MediaListSchema(ma.Schema):
    items = fields.List(fields.Nested(MediaSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
