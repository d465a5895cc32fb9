"""Public URLs of the portal's pages."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, request

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
    made-up Host can neither appear in a canonical link or feed nor add page cache keys;
    without it, such a response says ``Vary: Host`` and is private to the browser.
    """
    public = current_app.config["PUBLIC_URL"]
    if public:
        return public
    g.web_links_from_host = True
    return request.host_url.rstrip("/")


def init_app(app: Flask) -> None:
    app.after_request(_vary_by_host)


def _vary_by_host(response: Response) -> Response:
    """A response whose links came from the Host header (``PUBLIC_URL`` unset) is kept by
    no shared cache: another Host would get links to somewhere else."""
    if g.get("web_links_from_host"):
        response.vary.add("Host")
        response.cache_control.public = False
        response.cache_control.private = True
    return response
