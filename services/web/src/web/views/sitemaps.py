"""What crawlers read first: robots.txt, the sitemap (an index past one file's 50,000
URLs) and the news sitemap of the last 48 hours."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template

from web.categories import CategoryTree
from web.extensions import api_client
from web.formatting import machine_datetime, parse_time
from web.links import article_url, category_url, site_root

bp = Blueprint("sitemaps", __name__)

API_PAGE = 100  # the articles API's largest page
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX = 1000  # a news sitemap holds at most this many articles
XML = "application/xml"


@bp.get("/robots.txt")
def robots() -> Response:
    root = site_root()
    lines = [
        "User-agent: *",
        "Disallow: /search",
        "Disallow: /beacon/",
        "",
        f"Sitemap: {root}/sitemap.xml",
        f"Sitemap: {root}/sitemap-news.xml",
    ]
    return _reply("\n".join(lines) + "\n", "text/plain", 3600)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page in one file while they fit (``SITEMAP_URLS``), else an index of files."""
    size = current_app.config["SITEMAP_URLS"]
    pages = page_entries()
    total = int(api_client().articles(per_page=1).get("total") or 0)
    if len(pages) + total <= size:
        entries = pages + [article_entry(item) for item in published(1, total)]
        return _reply(render_template("sitemap.xml", entries=entries), XML, 600)
    files = ["/sitemap-pages.xml"]
    files += [f"/sitemap-articles-{n}.xml" for n in range(1, math.ceil(total / size) + 1)]
    files.append("/sitemap-news.xml")
    body = render_template("sitemap_index.xml", root=site_root(), files=files)
    return _reply(body, XML, 600)


@bp.get("/sitemap-pages.xml")
def sitemap_pages() -> Response:
    return _reply(render_template("sitemap.xml", entries=page_entries()), XML, 600)


@bp.get("/sitemap-articles-<int:number>.xml")
def sitemap_articles(number: int) -> Response:
    size = current_app.config["SITEMAP_URLS"]
    if number < 1:
        abort(404)
    entries = [article_entry(item) for item in published((number - 1) * size + 1, size)]
    if not entries:
        abort(404)
    return _reply(render_template("sitemap.xml", entries=entries), XML, 600)


@bp.get("/sitemap-news.xml")
def sitemap_news() -> Response:
    """Articles published in the last 48 hours, as news crawlers ask for them."""
    since = datetime.now(UTC) - NEWS_WINDOW
    news = []
    for item in published(1, NEWS_MAX):
        moment = parse_time(item.get("published_at"))
        if moment is None or moment < since:
            break
        news.append({**article_entry(item), "title": item.get("title") or "", "item": item})
    body = render_template(
        "sitemap_news.xml", entries=news, publication=current_app.config["PORTAL_NAME"]
    )
    return _reply(body, XML, 300)


def page_entries() -> list[dict[str, Any]]:
    """The home page and every category listing."""
    tree = CategoryTree.from_api(api_client().categories())
    return [{"path": "/"}] + [{"path": category_url(slug)} for slug in tree.by_slug]


def article_entry(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": article_url(item),
        "modified": machine_datetime(item.get("updated_at") or item.get("published_at")),
        "published": machine_datetime(item.get("published_at")),
    }


def published(first: int, count: int) -> Iterator[dict[str, Any]]:
    """Published articles, newest first, from the ``first``-th (1-based), ``count`` at most.

    Read in API pages of a size that divides both the start and the count, so a file of
    the sitemap asks the API only for the pages it lists.
    """
    step = math.gcd(math.gcd(first - 1, count), API_PAGE) or API_PAGE
    page = (first - 1) // step + 1
    given = 0
    while given < count:
        listing = api_client().articles(page=page, per_page=step)
        items = listing.get("items") or []
        for item in items[: count - given]:
            yield item
            given += 1
        if len(items) < step:
            return
        page += 1


def _reply(body: str, mimetype: str, max_age: int) -> Response:
    return Response(body, mimetype=mimetype, headers={"Cache-Control": f"max-age={max_age}"})
