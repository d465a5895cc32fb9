"""SQLAlchemy models: categories, articles and what hangs off them, photos, the outbox.

The search columns (``search_title``, ``search_body``) hold folded text (see
:mod:`articles.vietnamese`); the index over them is backend-specific and lives only
in the migrations (an FTS5 table on SQLite, a generated tsvector on PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("draft", "review", "scheduled", "published", "archived")
"""An article's life: a draft, submitted for review, then scheduled or published; an
archived article is unpublished. Only a published article is ever public."""
LANGUAGES = ("vi", "en")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on both backends.

    SQLite has no time zones: values are stored as naive UTC and made aware on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_status_published", "status", "published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    author: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="vi")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    editor: Mapped[str | None] = mapped_column(String(120))
    actor: Mapped[str | None] = mapped_column(String(120))
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")

    category: Mapped[Category] = relationship(lazy="joined", innerjoin=True)
    images: Mapped[list[ArticleImage]] = relationship(
        order_by="ArticleImage.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )
    tags: Mapped[list[ArticleTag]] = relationship(
        order_by="ArticleTag.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )
    media_links: Mapped[list[ArticleMedia]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class ArticleImage(Base):
    __tablename__ = "article_images"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str | None] = mapped_column(String(1000))
    media_id: Mapped[int | None] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), index=True
    )
    caption: Mapped[str | None] = mapped_column(Text)
    alt: Mapped[str | None] = mapped_column(String(500))

    media: Mapped[Media | None] = relationship(lazy="selectin")


class ArticleTag(Base):
    __tablename__ = "article_tags"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)


class SlugHistory(Base):
    """A slug an article had before; it keeps resolving to that article."""

    __tablename__ = "slug_history"

    slug: Mapped[str] = mapped_column(String(160), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Revision(Base):
    """An article as it was at ``version``, kept when a later version replaced it;
    ``editor`` (the token) and ``actor`` (the person it named) made that version."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)
    editor: Mapped[str | None] = mapped_column(String(120))
    actor: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Media(Base):
    """An uploaded photo: its original (kept privately) and the renditions made of it.

    ``renditions`` is JSON: ``[{"width", "height", "format", "key", "bytes"}]``, storage
    keys rather than URLs, so ``MEDIA_PUBLIC_URL`` can change.
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="processing")
    reason: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_type: Mapped[str] = mapped_column(String(40))
    original_bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    renditions: Mapped[str] = mapped_column(Text, default="[]")
    caption: Mapped[str | None] = mapped_column(Text)
    alt: Mapped[str | None] = mapped_column(String(500))
    credit: Mapped[str | None] = mapped_column(String(200))
    search_caption: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))


class ArticleMedia(Base):
    """A photo an article shows, in its images or its body: what keeps it from deletion
    and what is refreshed when the photo changes."""

    __tablename__ = "article_media"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[int] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    media: Mapped[Media] = relationship(lazy="selectin")


class OutboxEvent(Base):
    """An event written with the change it describes, waiting for the relay.

    ``fields`` is the stream entry (JSON), event id included, fixed at write time.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(120))
    fields: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
