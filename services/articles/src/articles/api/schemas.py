"""Marshmallow schemas: request validation and the OpenAPI document, from one source."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import marshmallow as ma
from marshmallow import fields, validate
from webargs.fields import DelimitedList

from articles.cursors import ORDERS, BadCursor, Cursor
from articles.models import LANGUAGES, STATUSES
from articles.vietnamese import slugify

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ICT = timezone(timedelta(hours=7), "ICT")
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_ID = 2**31 - 1


class Text(fields.String):
    """A string the databases can store (no NUL character, no lone surrogate), in NFC.

    Vietnamese sent decomposed (NFD, as some editors and phones send it) is composed, so
    the same title is stored, shown and compared the same way however it was typed.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs))
        if "\x00" in text:
            raise ma.ValidationError("must not contain NUL characters")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ma.ValidationError("must be valid Unicode text") from None
        return text


def slug_field(**kwargs) -> Text:
    return Text(
        validate=[validate.Length(min=1, max=120), validate.Regexp(SLUG)],
        metadata={
            "description": "lowercase letters, digits and single hyphens",
            "example": "yen-bai",
        },
        **kwargs,
    )


class PublicationTime(fields.AwareDateTime):
    """ISO 8601; a time without offset is read as Vietnam time (UTC+7)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            default_timezone=ICT,
            validate=validate.Range(min=EARLIEST, max=LATEST),
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ma.ValidationError("out of range") from None


class ListTime(PublicationTime):
    """A bound of a list: ISO 8601 date and time, or a date alone (midnight, Vietnam time)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            value += "T00:00:00"
        return super()._deserialize(value, attr, data, **kwargs)


# categories --------------------------------------------------------------------------


class CrumbSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class CategoryRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    breadcrumb = fields.List(fields.Nested(CrumbSchema), required=True)


class CategorySchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    parent = fields.String(allow_none=True, metadata={"description": "the parent's slug"})
    position = fields.Integer()
    breadcrumb = fields.List(fields.Nested(CrumbSchema))
    children = fields.List(
        fields.Dict(),
        metadata={"description": "subcategories, each shaped like this object"},
    )


class CategoryTreeSchema(ma.Schema):
    items = fields.List(fields.Nested(CategorySchema), required=True)


class CategoryCreateSchema(ma.Schema):
    slug = slug_field()
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    name_en = Text(allow_none=True, validate=validate.Length(max=200))
    parent = slug_field(allow_none=True)
    position = fields.Integer(validate=validate.Range(min=0, max=100_000))


class CategoryUpdateSchema(ma.Schema):
    """Only the fields given change; ``parent: null`` moves the category to the top."""

    slug = slug_field()
    name = Text(validate=validate.Length(min=1, max=200))
    name_en = Text(allow_none=True, validate=validate.Length(max=200))
    parent = slug_field(allow_none=True)
    position = fields.Integer(validate=validate.Range(min=0, max=100_000))


# articles ----------------------------------------------------------------------------


def image_url(value: str) -> None:
    if not (value.startswith("/") or value.startswith(("http://", "https://"))):
        raise ma.ValidationError("must be a path starting with / or an http(s) URL")
    if value.startswith("//"):
        raise ma.ValidationError("a scheme-relative URL is not allowed")


class ImageSchema(ma.Schema):
    """An image by ``url``, or a photo of the library by ``media_id`` (its caption and alt
    text are used unless given here)."""

    url = Text(validate=[validate.Length(min=1, max=1000), image_url])
    media_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    caption = Text(allow_none=True, validate=validate.Length(max=2000))
    alt = Text(allow_none=True, validate=validate.Length(max=500))
    position = fields.Integer(validate=validate.Range(min=0, max=10_000))

    @ma.validates_schema
    def _url_or_photo(self, data, **kwargs) -> None:
        if ("url" in data) == ("media_id" in data):
            raise ma.ValidationError("give either url or media_id", "url")


class RenditionSchema(ma.Schema):
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    format = fields.String(required=True, metadata={"description": "webp or jpeg"})
    url = fields.String(required=True)
    bytes = fields.Integer(required=True)


class ArticleImageSchema(ma.Schema):
    """An image as read: a photo's caption and alt text filled in, its renditions listed."""

    url = fields.String(allow_none=True)
    media_id = fields.Integer(allow_none=True)
    caption = fields.String(allow_none=True)
    alt = fields.String(allow_none=True)
    position = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    credit = fields.String(allow_none=True)
    renditions = fields.List(fields.Nested(RenditionSchema))


class PhotoSchema(ma.Schema):
    """A photo an article shows (in ``images`` or as ``<img data-media-id>`` in the body)."""

    id = fields.Integer(required=True)
    status = fields.String(required=True)
    width = fields.Integer()
    height = fields.Integer()
    caption = fields.String(allow_none=True)
    alt = fields.String(allow_none=True)
    credit = fields.String(allow_none=True)
    renditions = fields.List(fields.Nested(RenditionSchema))


class ArticleWriteSchema(ma.Schema):
    """The fields an editor sets; ``category`` is a category slug."""

    title = Text(validate=validate.Length(min=1, max=300))
    slug = slug_field()
    summary = Text(allow_none=True, validate=validate.Length(max=5000))
    body_html = Text(allow_none=True, validate=validate.Length(max=900_000))
    category = slug_field()
    author = Text(allow_none=True, validate=validate.Length(max=200))
    source = Text(allow_none=True, validate=validate.Length(max=200))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    published_at = PublicationTime(allow_none=True)
    images = fields.List(fields.Nested(ImageSchema), validate=validate.Length(max=50))
    tags = fields.List(
        Text(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=30)
    )

    @ma.validates_schema
    def _title_makes_a_slug(self, data, **kwargs) -> None:
        if "title" in data and not data["title"].strip():
            raise ma.ValidationError("must not be blank", "title")
        if data.get("tags") and any(not slugify(t) for t in data["tags"]):
            raise ma.ValidationError("each tag needs a letter or digit", "tags")


class ArticleCreateSchema(ArticleWriteSchema):
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    category = slug_field(required=True)


class ArticleUpdateSchema(ArticleWriteSchema):
    """Any subset of the writable fields."""


class ArticleListItemSchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String()
    category = fields.Nested(CategoryRefSchema, required=True)
    author = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    language = fields.String()
    status = fields.String()
    published_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    created_at = fields.String(metadata={"format": "date-time"})
    updated_at = fields.String(metadata={"format": "date-time"})
    images = fields.List(fields.Nested(ArticleImageSchema))
    tags = fields.List(fields.String())
    version = fields.Integer()


class ArticleSchema(ArticleListItemSchema):
    body_html = fields.String()
    media = fields.List(fields.Nested(PhotoSchema))


LIST_FIELDS = tuple(ArticleListItemSchema().fields)


class ArticleListEntrySchema(ArticleListItemSchema):
    """A list item, whose fields other than ``id`` a sparse field set may leave out."""

    slug = fields.String()
    title = fields.String()
    category = fields.Nested(CategoryRefSchema)


class ArticleListSchema(ma.Schema):
    items = fields.List(
        fields.Nested(ArticleListEntrySchema),
        required=True,
        metadata={"description": "with `fields`, each item has only those fields (and id)"},
    )
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    next_cursor = fields.String(
        allow_none=True,
        metadata={"description": "`after` for the next items in this order; null at the end"},
    )


class ArticleQueryArgsSchema(ma.Schema):
    category = Text(metadata={"description": "a category slug; its subcategories are included"})
    q = Text(
        validate=validate.Length(max=200),
        metadata={"description": "full-text, accent-insensitive"},
    )
    tag = fields.List(
        Text(validate=validate.Length(max=100)),
        validate=validate.Length(max=10),
        metadata={"description": "repeat for articles with every tag named (accents ignored)"},
    )
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "token holders only; the public sees published articles"},
    )
    author = Text(
        validate=validate.Length(min=1, max=200), metadata={"description": "the byline, exactly"}
    )
    published_after = ListTime(
        metadata={"description": "published at or after (ISO 8601; no offset: Vietnam time)"}
    )
    published_before = ListTime(metadata={"description": "published before (ISO 8601)"})
    order = fields.String(
        validate=validate.OneOf(ORDERS),
        metadata={"description": "default -published_at (newest first; with q, best match)"},
    )
    field_set = DelimitedList(
        fields.String(validate=validate.OneOf(LIST_FIELDS)),
        data_key="fields",  # a Schema's own ``fields`` attribute is taken
        validate=validate.Length(min=1, max=len(LIST_FIELDS)),
        metadata={"description": "a sparse field set: comma-separated names of item fields"},
    )
    ids = DelimitedList(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        validate=validate.Length(min=1, max=100),
        metadata={"description": "a batch: comma-separated ids, answered in that order"},
    )
    after = fields.String(
        validate=validate.Length(min=1, max=600),
        metadata={"description": "a `next_cursor`: the items after it (instead of `page`)"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))

    @ma.validates_schema(pass_original=True)
    def _cursor_walks_alone(self, data, original, **kwargs) -> None:
        if "after" not in data:
            return
        if "page" in original:
            raise ma.ValidationError("give either after or page", "after")
        if "ids" in data:
            raise ma.ValidationError("a batch of ids has no cursor", "after")
        if data.get("q") and "order" not in data:
            raise ma.ValidationError("with q, a cursor needs an order", "after")

    @ma.post_load
    def _decode_cursor(self, data, **kwargs):
        if "after" in data:
            try:
                data["after"] = Cursor.decode(data["after"])
            except BadCursor as exc:
                raise ma.ValidationError(str(exc), "after") from None
            if data["after"].order != data.get("order", "-published_at"):
                raise ma.ValidationError("the cursor was made for another order", "after")
        return data


class RelatedQueryArgsSchema(ma.Schema):
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


class RelatedListSchema(ma.Schema):
    items = fields.List(fields.Nested(ArticleListItemSchema), required=True)


class TagQueryArgsSchema(ma.Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class TagSchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "published articles"})


class TagListSchema(ma.Schema):
    items = fields.List(fields.Nested(TagSchema), required=True)


class VersionMakerSchema(ma.Schema):
    """Who made a version of an article, and when."""

    version = fields.Integer(required=True)
    editor = fields.String(allow_none=True, metadata={"description": "the token's name"})
    actor = fields.String(
        allow_none=True, metadata={"description": "the person the token named in X-Actor"}
    )
    created_at = fields.String(
        metadata={"format": "date-time", "description": "when this version was made"}
    )


class RevisionSchema(VersionMakerSchema):
    article = fields.Dict(metadata={"description": "the article as it was at this version"})


class RevisionListSchema(ma.Schema):
    items = fields.List(fields.Nested(RevisionSchema), required=True)
    total = fields.Integer(required=True)
    current = fields.Nested(
        VersionMakerSchema, metadata={"description": "who made the current version"}
    )
