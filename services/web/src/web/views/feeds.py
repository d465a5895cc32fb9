"""RSS 2.0 for all news and per category."""

from __future__ import annotations

from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, redirect

from web.categories import CategoryTree
from web.extensions import api_client
from web.formatting import parse_time
from web.i18n import DEFAULT, current_language
from web.i18n import gettext as _
from web.links import article_url, category_url, site_root
from web.templating import portal_name

bp = Blueprint("feeds", __name__)

FEED_ITEMS = 30
RSS_MIMETYPE = "application/rss+xml"


@bp.get("/rss.xml")
def all_news() -> Response:
    listing = api_client().articles(per_page=FEED_ITEMS)
    name = portal_name()
    return feed(name, _("Tin mới nhất"), "/", "/rss.xml", listing.get("items", []))


@bp.get("/rss")
@bp.get("/rss/")
def feeds_root() -> Response:
    """The address readers guess for the feed."""
    return redirect("/rss.xml", code=301)


@bp.get("/rss/<category_slug>.xml")
def category_news(category_slug: str) -> Response:
    tree = CategoryTree.from_api(api_client().categories())
    node = tree.by_slug.get(category_slug)
    if node is None:
        abort(404)
    listing = api_client().articles(category=category_slug, per_page=FEED_ITEMS)
    name = portal_name()
    return feed(
        f"{node.name} - {name}",
        node.name,
        category_url(category_slug),
        f"/rss/{category_slug}.xml",
        listing.get("items", []),
    )


def feed(
    title: str, description: str, page: str, self_path: str, items: list[dict[str, Any]]
) -> Response:
    root = site_root()
    generator = FeedGenerator()
    generator.title(title)
    # feedgen writes the RSS channel's <link> from the last link given: the self link
    # goes first, so <link> names the site and <atom:link rel="self"> the feed.
    generator.link(href=root + self_path + language_query(), rel="self")
    generator.link(href=root + page + language_query(), rel="alternate")
    generator.description(description)
    generator.language(current_language())
    generator.generator("portal-web")
    for item in items:
        url = root + article_url(item)
        entry = generator.add_entry(order="append")
        entry.title(item.get("title") or "")
        entry.link(href=url)
        entry.guid(url, permalink=True)
        if item.get("summary"):
            entry.description(item["summary"])
        published = parse_time(item.get("published_at"))
        if published is not None:
            entry.pubDate(published)
        category = item.get("category") or {}
        if isinstance(category, dict) and category.get("name"):
            entry.category(term=category["name"])
        if item.get("author"):
            entry.author(name=item["author"], email="toasoan@portal.invalid")
    body = generator.rss_str(pretty=False)
    response = Response(body, mimetype=RSS_MIMETYPE, headers={"Cache-Control": "max-age=300"})
    response.vary.add("Cookie")  # the language may come from the cookie
    return response


def language_query() -> str:
    """``?lang=en`` for an English feed: its links keep the language; none for Vietnamese."""
    language = current_language()
    return "" if language == DEFAULT else f"?lang={language}"
