"""Article reads: by id, by slug (old slugs too), lists with filters, revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from articles.categories import CategoryTree
from articles.models import Article, ArticleTag, Revision
from articles.search import query_words, ranked_ids
from articles.vietnamese import slugify


@dataclass
class ArticleFilters:
    category: str | None = None
    q: str | None = None
    tag: str | None = None
    language: str | None = None
    statuses: tuple[str, ...] | None = ("published",)
    ids: list[int] | None = None
    page: int = 1
    per_page: int = 20


def get_article(session: Session, article_id: int, public: bool) -> Article | None:
    article = session.get(Article, article_id)
    if article is None or (public and article.status != "published"):
        return None
    return article


def list_articles(
    session: Session, tree: CategoryTree, filters: ArticleFilters
) -> tuple[list[Article], int]:
    """One page of matching articles, newest first (best match first with ``q``), and the total."""
    query: Select[Any] = select(Article)
    if filters.statuses is not None:
        query = query.where(Article.status.in_(filters.statuses))
    if filters.language:
        query = query.where(Article.language == filters.language)
    if filters.category:
        category = tree.by_slug(filters.category)
        if category is None:
            return [], 0
        query = query.where(Article.category_id.in_(tree.subtree_ids(category)))
    if filters.tag:
        tag = slugify(filters.tag)
        query = query.where(
            Article.id.in_(select(ArticleTag.article_id).where(ArticleTag.slug == tag))
        )
    newest = (func.coalesce(Article.published_at, Article.created_at).desc(), Article.id.desc())
    if filters.ids is not None:
        found = {a.id: a for a in session.scalars(query.where(Article.id.in_(filters.ids)))}
        items = [found[i] for i in dict.fromkeys(filters.ids) if i in found]
        return items, len(items)
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
        order = (matches.c.rank.asc(), *newest)
    elif filters.q and filters.q.strip():
        return [], 0
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    offset = (filters.page - 1) * filters.per_page
    items = list(session.scalars(query.order_by(*order).offset(offset).limit(filters.per_page)))
    return items, total or 0


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
