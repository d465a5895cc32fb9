"""Public URLs of the portal's pages."""

from __future__ import annotations

from typing import Any

# The query parameters a page's HTML may depend on, besides ``lang`` (resolved into the
# interface language): links carry only these, and the page cache keys pages by them,
# so ``?utm_source=...`` or ``?fbclid=...`` neither show up in links nor split the cache.
PAGE_PARAMETERS = ("q", "page", "place")


def article_url(item: dict[str, Any]) -> str:
    """``/<category-slug>/<article-slug>-<id>.html``."""
    category = item.get("category") or {}
    slug = category.get("slug") if isinstance(category, dict) else category
    return f"/{slug or 'tin-tuc'}/{item['slug']}-{item['id']}.html"


def category_url(slug: str) -> str:
    return f"/{slug}/"
