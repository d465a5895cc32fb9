"""Reader pages: home, category listing, article, search."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from portalkit.http import given, request_cookie
from web.api_client import ApiClient, NotFound
from web.categories import CategoryTree
from web.extensions import api_client
from web.fanout import gather, value_or
from web.formatting import describe_weather
from web.i18n import current_language
from web.links import article_url, category_url
from web.photos import expand_body
from web.rendered import cached_page

bp = Blueprint("pages", __name__)

PLACE_COOKIE = "place"
PLACE_PATTERN = re.compile(r"^[a-z0-9-]{1,64}$")
HOME_CATEGORIES = 6
HOME_PER_CATEGORY = 5
RELATED = 5


def per_page() -> int:
    return current_app.config["PER_PAGE"]


def chosen_place() -> str | None:
    """The place of the weather box: ``?place=``, then the remembered one, else the default."""
    for value in (given(request.args, "place"), request_cookie(PLACE_COOKIE)):
        if value and PLACE_PATTERN.match(value):
            return value
    return None


# Home, listings and articles are the same for every anonymous reader of a language and
# place; search results are not kept (the queries are too many and too varied).
cached = cached_page(varies_by=chosen_place)


def page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        return 1


def weather_part(api: ApiClient, place: str | None) -> dict[str, Any] | None:
    """The weather box's reading for a place, falling back to the default place."""
    try:
        return api.weather(place)
    except NotFound:
        return api.weather(None) if place else None


def weather_box(reading: Any, places: Any, place: str | None) -> dict[str, Any]:
    reading = value_or(reading, None)
    text = describe_weather(reading, current_language()) if reading else None
    current = (reading or {}).get("location", {}).get("slug") or place
    return {
        "text": text,
        "places": value_or(places, []) or [],
        "place": current,
        "attribution": (reading or {}).get("attribution"),
    }


def tree_from(result: Any) -> CategoryTree:
    return CategoryTree.from_api(value_or(result, []) or [])


@bp.after_request
def _remember_place(response: Response) -> Response:
    place = given(request.args, "place")
    if place and PLACE_PATTERN.match(place) and request_cookie(PLACE_COOKIE) != place:
        response.set_cookie(
            PLACE_COOKIE, place, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it on pages without a <link rel=icon> (feeds, the sitemap)."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/")
@cached
def home() -> str:
    api = api_client()
    place = chosen_place()
    first = gather(
        categories=api.categories,
        latest=lambda: api.articles(per_page=HOME_PER_CATEGORY + 1),
        top=lambda: api.top("week", 5),
        weather=lambda: weather_part(api, place),
        places=api.places,
    )
    if isinstance(first["latest"], Exception):
        raise first["latest"]
    tree = tree_from(first["categories"])
    roots = tree.roots[:HOME_CATEGORIES]
    top_ids = [item["article_id"] for item in value_or(first["top"], [])]
    calls = {
        f"cat:{node.slug}": (
            lambda slug=node.slug: api.articles(category=slug, per_page=HOME_PER_CATEGORY)
        )
        for node in roots
    }
    calls["most_viewed"] = lambda: api.articles_by_ids(top_ids)
    second = gather(**calls)
    sections = [
        {"category": node, "items": value_or(second[f"cat:{node.slug}"], {}).get("items", [])}
        for node in roots
    ]
    latest = first["latest"].get("items", [])
    return render_template(
        "home.html",
        tree=tree,
        lead=latest[0] if latest else None,
        latest=latest[1:],
        sections=[section for section in sections if section["items"]],
        most_viewed=value_or(second["most_viewed"], []),
        weather=weather_box(first["weather"], first["places"], place),
    )


@bp.get("/<category_slug>/")
@cached
def category(category_slug: str) -> str:
    api = api_client()
    place = chosen_place()
    page, size = page_number(), per_page()
    got = gather(
        categories=api.categories,
        listing=lambda: api.articles(category=category_slug, page=page, per_page=size),
        weather=lambda: weather_part(api, place),
        places=api.places,
    )
    if isinstance(got["categories"], Exception):
        raise got["categories"]
    tree = tree_from(got["categories"])
    node = tree.by_slug.get(category_slug)
    if node is None:
        abort(404)
    listing = got["listing"]
    if isinstance(listing, Exception):
        raise listing
    return render_template(
        "category.html",
        tree=tree,
        category=node,
        trail=tree.path(category_slug),
        breadcrumb_trail=[
            (node.label(current_language()), category_url(node.slug))
            for node in tree.path(category_slug)
        ],
        items=listing.get("items", []),
        pager=pager(listing, page),
        weather=weather_box(got["weather"], got["places"], place),
    )


@bp.get("/<category_slug>")
def category_without_slash(category_slug: str) -> Response:
    """``/kinh-te`` to ``/kinh-te/`` when the category exists; otherwise the 404 page at
    once (not a redirect to a slash URL that is then not found)."""
    tree = tree_from(api_client().categories())
    if category_slug not in tree.by_slug:
        abort(404)
    query = request.query_string.decode()
    return redirect(category_url(category_slug) + (f"?{query}" if query else ""), code=301)


@bp.get("/<category_slug>/<article_slug>-<int:article_id>.html")
@cached
def article(category_slug: str, article_slug: str, article_id: int) -> Response | str:
    api = api_client()
    place = chosen_place()
    got = gather(
        article=lambda: api.article(article_id),
        views=lambda: api.views(article_id),
        weather=lambda: weather_part(api, place),
        places=api.places,
        categories=api.categories,
        related=lambda: api.articles(category=category_slug, per_page=RELATED + 1),
    )
    item = got["article"]
    if isinstance(item, Exception):
        raise item
    if item.get("status", "published") != "published":
        abort(404)
    canonical = article_url(item)
    if request.path != canonical:
        query = request.query_string.decode()
        return redirect(canonical + (f"?{query}" if query else ""), code=301)
    tree = tree_from(got["categories"])
    breadcrumb = (item.get("category") or {}).get("breadcrumb") or []
    crumbs = [{"slug": crumb["slug"], "name": label(tree, crumb)} for crumb in breadcrumb]
    related = [
        other
        for other in value_or(got["related"], {}).get("items", [])
        if other.get("id") != article_id
    ][:RELATED]
    return render_template(
        "article.html",
        tree=tree,
        article=item,
        breadcrumb=crumbs,
        breadcrumb_trail=[
            *((crumb["name"], category_url(crumb["slug"])) for crumb in crumbs),
            (item.get("title") or "", canonical),
        ],
        body=expand_body(item.get("body_html") or "", item.get("media") or []),
        figures=figures(item),
        views=value_or(got["views"], None),
        related=related,
        weather=weather_box(got["weather"], got["places"], place),
    )


@bp.get("/search")
def search() -> str:
    api = api_client()
    query = unicodedata.normalize("NFC", request.args.get("q", "")).strip()[:200]
    page, size = page_number(), per_page()
    got = gather(
        categories=api.categories,
        results=(
            (lambda: api.articles(q=query, page=page, per_page=size)) if query else (lambda: None)
        ),
    )
    results = got["results"]
    if isinstance(results, Exception):
        raise results
    return render_template(
        "search.html",
        tree=tree_from(got["categories"]),
        query=query,
        items=(results or {}).get("items", []),
        total=(results or {}).get("total", 0),
        pager=pager(results, page) if results else None,
    )


def label(tree: CategoryTree, crumb: dict[str, Any]) -> str:
    """A breadcrumb name in the reader's language when the tree knows it."""
    node = tree.by_slug.get(crumb.get("slug", ""))
    return node.label(current_language()) if node else crumb.get("name", "")


def figures(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The article's images with captions, unless the body already shows them."""
    body = item.get("body_html") or ""
    images = sorted(item.get("images") or [], key=lambda image: image.get("position") or 0)
    return [
        image
        for image in images
        if image.get("url")
        and image["url"] not in body
        and f'data-media-id="{image.get("media_id")}"' not in body
    ]


def pager(listing: dict[str, Any], page: int) -> dict[str, Any]:
    total = int(listing.get("total") or 0)
    size = int(listing.get("per_page") or per_page())
    pages = max(1, math.ceil(total / size)) if size else 1
    first = max(1, page - 3)
    return {
        "page": page,
        "pages": pages,
        "total": total,
        "numbers": list(range(first, min(pages, first + 6) + 1)),
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if page < pages else None,
    }
