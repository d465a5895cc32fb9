"""Articles as the API shows them, and as revisions keep them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from articles.categories import CategoryTree
from articles.media.representation import article_image, photo
from articles.models import Article


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def images(article: Article) -> list[dict[str, Any]]:
    """The images as the editor set them (what a revision keeps)."""
    return [
        {
            "url": i.url,
            "media_id": i.media_id,
            "caption": i.caption,
            "alt": i.alt,
            "position": i.position,
        }
        for i in article.images
    ]


def article_dict(article: Article, tree: CategoryTree, *, body: bool = True) -> dict[str, Any]:
    """The read shape; list items leave out ``body_html``."""
    data: dict[str, Any] = {
        "id": article.id,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "category": tree.ref(tree.by_id[article.category_id]),
        "author": article.author,
        "source": article.source,
        "language": article.language,
        "status": article.status,
        "published_at": iso(article.published_at),
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
        "images": [article_image(i) for i in article.images],
        "tags": [tag.name for tag in article.tags],
        "version": article.version,
    }
    if body:
        data["body_html"] = article.body_html
        data["media"] = [photo(link.media) for link in article.media_links]
    return data


def snapshot(article: Article) -> dict[str, Any]:
    """What a revision keeps: the editable fields, the category by slug."""
    return {
        "version": article.version,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "body_html": article.body_html,
        "category": article.category.slug if article.category else None,
        "author": article.author,
        "source": article.source,
        "language": article.language,
        "status": article.status,
        "published_at": iso(article.published_at),
        "updated_at": iso(article.updated_at),
        "images": images(article),
        "tags": [tag.name for tag in article.tags],
    }


def etag(article: Article) -> str:
    """A strong validator that changes with every version of the article."""
    return f'"{article.id}-{article.version}"'
