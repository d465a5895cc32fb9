"""Public URLs of the portal's pages."""

from __future__ import annotations

from typing import Any


def article_url(item: dict[str, Any]) -> str:
    """``/<category-slug>/<article-slug>-<id>.html``."""
    category = item.get("category") or {}
    slug = category.get("slug") if isinstance(category, dict) else category
    return f"/{slug or 'tin-tuc'}/{item['slug']}-{item['id']}.html"


def category_url(slug: str) -> str:
    return f"/{slug}/"
