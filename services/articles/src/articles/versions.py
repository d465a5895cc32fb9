"""Which version of an article is current, asked in one small query before a cached
answer is used; and the generation of what the public can see (docs/design-notes.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from articles.models import Article, OutboxEvent, SlugHistory


@dataclass(frozen=True)
class ArticleVersion:
    """An article's id, version, status and the time of that version (its answer's key)."""

    id: int
    version: int
    status: str
    updated_at: datetime

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.id, self.version, self.updated_at)


VERSION_RECHECK_S = 0.5
"""How long a public read trusts the published version it found, per process
(``extensions.recent_versions``): a busy article's readers cost the database one query
every half second per process, not one each. A write through the process forgets them
all at once; one through another process (or a scheduled change) reaches public
readers at most half a second later. Readers who may see drafts always ask."""


_COLUMNS = (Article.id, Article.version, Article.status, Article.updated_at)


def _version(row: Any) -> ArticleVersion | None:
    if row is None:
        return None
    return ArticleVersion(row[0], row[1], row[2], row[3])


# Built once: constructing a statement costs more than running it on a warm database.
_BY_ID = select(*_COLUMNS).where(Article.id == bindparam("article_id"))
_BY_SLUG = select(*_COLUMNS).where(Article.slug == bindparam("slug"))
_BY_OLD_SLUG = select(*_COLUMNS).where(
    Article.id
    == select(SlugHistory.article_id).where(SlugHistory.slug == bindparam("slug")).scalar_subquery()
)


def version_by_id(connection: Connection, article_id: int) -> ArticleVersion | None:
    return _version(connection.execute(_BY_ID, {"article_id": article_id}).first())


def version_by_slug(connection: Connection, slug: str) -> ArticleVersion | None:
    """The version of the article that has ``slug`` now or had it before."""
    row = connection.execute(_BY_SLUG, {"slug": slug}).first()
    if row is None:
        row = connection.execute(_BY_OLD_SLUG, {"slug": slug}).first()
    return _version(row)


_GENERATION = select(func.max(OutboxEvent.id))


def public_generation(connection: Connection) -> int:
    """Grows with every change to what the public can see: the highest outbox id."""
    return connection.execute(_GENERATION).scalar() or 0
