"""Tag counts and related articles: what readers of one article may read next."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from articles.models import Article, ArticleTag
from articles.queries import SHOWN_AT


@dataclass(frozen=True)
class TagCount:
    slug: str
    name: str
    count: int


def tag_counts(session: Session, limit: int) -> list[TagCount]:
    """The tags of published articles, most used first; a tag is its slug, so spellings
    that differ only by accents or case are one tag (named by one of its spellings)."""
    count = func.count(ArticleTag.article_id)
    rows = session.execute(
        select(ArticleTag.slug, func.min(ArticleTag.name), count)
        .join(Article, Article.id == ArticleTag.article_id)
        .where(Article.status == "published")
        .group_by(ArticleTag.slug)
        .order_by(count.desc(), ArticleTag.slug)
        .limit(limit)
    )
    return [TagCount(slug, name, n) for slug, name, n in rows]


def related_articles(session: Session, article: Article, limit: int) -> list[Article]:
    """Published articles sharing tags (by slug: accents ignored) or the category with
    ``article``: each shared tag weighs two, the same category one; newest first on ties."""
    slugs = [tag.slug for tag in article.tags]
    shared = (
        select(ArticleTag.article_id, func.count().label("shared"))
        .where(ArticleTag.slug.in_(slugs), ArticleTag.article_id != article.id)
        .group_by(ArticleTag.article_id)
        .subquery()
    )
    same_category = Article.category_id == article.category_id
    score = func.coalesce(shared.c.shared, 0) * 2 + case((same_category, 1), else_=0)
    query = (
        select(Article)
        .outerjoin(shared, shared.c.article_id == Article.id)
        .where(
            Article.status == "published",
            Article.id != article.id,
            (shared.c.shared > 0) | same_category,
        )
        .order_by(score.desc(), SHOWN_AT.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
