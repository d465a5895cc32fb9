"""Public URLs of the portal's pages."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

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


def site_root() -> str:
    """The portal's address: ``PUBLIC_URL``, else scheme and host of the request.

    With ``PUBLIC_URL`` set, no page depends on the Host header a client sends, so a
    made-up Host can neither appear in a canonical link or feed nor add page cache keys.
    """
    public = current_app.config["PUBLIC_URL"]
    return public or request.host_url.rstrip("/")
