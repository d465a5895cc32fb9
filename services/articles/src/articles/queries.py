"""Article reads: by id, by slug (old slugs too), lists with filters, revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from articles.categories import CategoryTree
from articles.cursors import DEFAULT_ORDER, Cursor
from articles.models import Article, ArticleTag, Revision
from articles.search import query_words, ranked_ids
from articles.vietnamese import slugify


@dataclass
class ArticleFilters:
    category: str | None = None
    q: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    statuses: tuple[str, ...] | None = ("published",)
    author: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    ids: list[int] | None = None
    order: str | None = None
    after: Cursor | None = None
    page: int = 1
    per_page: int = 20


# What lists sort by: the publication time (the creation time of an unpublished draft).
SHOWN_AT = func.coalesce(Article.published_at, Article.created_at)
_ORDER_BY: dict[str, tuple[Any, ...]] = {
    "-published_at": (SHOWN_AT.desc(), Article.id.desc()),
    "published_at": (SHOWN_AT.asc(), Article.id.asc()),
    "title": (Article.title.asc(), Article.id.asc()),
}


def _after(cursor: Cursor) -> ColumnElement[bool]:
    """Rows strictly after ``cursor`` in its order (the keyset condition)."""
    key = Article.title if cursor.order == "title" else SHOWN_AT
    beyond = key < cursor.value if cursor.order == "-published_at" else key > cursor.value
    tie = Article.id < cursor.id if cursor.order == "-published_at" else Article.id > cursor.id
    return or_(beyond, and_(key == cursor.value, tie))


def get_article(session: Session, article_id: int, public: bool) -> Article | None:
    article = session.get(Article, article_id)
    if article is None or (public and article.status != "published"):
        return None
    return article


@dataclass
class ArticlePage:
    """The articles of one page, how many match in all, and whether more follow."""

    items: list[Article]
    total: int
    more: bool = False


def list_articles(session: Session, tree: CategoryTree, filters: ArticleFilters) -> ArticlePage:
    """One page of matching articles, newest first (best match first with ``q``, or in
    ``filters.order``), from ``page`` or after the cursor ``after``; and the total."""
    query: Select[Any] = select(Article)
    if filters.statuses is not None:
        query = query.where(Article.status.in_(filters.statuses))
    if filters.language:
        query = query.where(Article.language == filters.language)
    if filters.category:
        category = tree.by_slug(filters.category)
        if category is None:
            return ArticlePage([], 0)
        query = query.where(Article.category_id.in_(tree.subtree_ids(category)))
    for name in filters.tags:  # every tag named narrows the list
        tag = slugify(name)
        query = query.where(
            Article.id.in_(select(ArticleTag.article_id).where(ArticleTag.slug == tag))
        )
    if filters.author:
        query = query.where(Article.author == filters.author)
    if filters.published_after is not None:
        query = query.where(Article.published_at >= filters.published_after)
    if filters.published_before is not None:
        query = query.where(Article.published_at < filters.published_before)
    newest = _ORDER_BY[filters.order or DEFAULT_ORDER]
    if filters.ids is not None:
        found = {a.id: a for a in session.scalars(query.where(Article.id.in_(filters.ids)))}
        items = [found[i] for i in dict.fromkeys(filters.ids) if i in found]
        return ArticlePage(items, len(items))
    terms = query_words(filters.q or "")
    order = newest
    if terms:
        # Materialized, the full-text match runs once and drives the join; as a plain
        # subquery SQLite's planner re-ran the match for every candidate article.
        matches = (
            ranked_ids(session.get_bind().dialect.name, terms)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        query = query.join(matches, matches.c.id == Article.id)
        if filters.order is None:  # best match first, unless an order is asked for
            order = (matches.c.rank.asc(), *newest)
    elif filters.q and filters.q.strip():
        return ArticlePage([], 0)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if filters.after is not None:
        query = query.where(_after(filters.after))
    else:
        query = query.offset((filters.page - 1) * filters.per_page)
    # One more than a page tells whether another page follows.
    items = list(session.scalars(query.order_by(*order).limit(filters.per_page + 1)))
    more = len(items) > filters.per_page
    return ArticlePage(items[: filters.per_page], total or 0, more)


def list_revisions(session: Session, article_id: int) -> list[Revision]:
    return list(
        session.scalars(
            select(Revision)
            .where(Revision.article_id == article_id)
            .order_by(Revision.version.desc())
        )
    )


def get_revision(session: Session, article_id: int, version: int) -> Revision | None:
    return session.scalar(
        select(Revision).where(Revision.article_id == article_id, Revision.version == version)
    )
