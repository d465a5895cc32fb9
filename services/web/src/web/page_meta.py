"""What search engines and social networks read from a page: its canonical address, its
address in each language, Open Graph and schema.org JSON-LD."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request, url_for
from markupsafe import Markup

from web.formatting import machine_datetime
from web.i18n import DEFAULT, LANGUAGES, current_language
from web.links import article_url, category_url, site_root

# The query parameters that make another page (``place`` only changes the weather box).
CANONICAL_PARAMETERS = ("q", "page")
OG_LOCALES = {"vi": "vi_VN", "en": "en_US"}
HEADLINE_MAX = 110  # schema.org NewsArticle headlines longer than this are cut by Google


def page_url(language: str | None = None, path: str | None = None) -> str:
    """This page's absolute address in ``language``: ``?lang=`` for any but Vietnamese.

    Every language has its own URL, so crawlers (which keep no cookie) reach each one.
    """
    language = language or current_language()
    args = [(name, request.args[name]) for name in CANONICAL_PARAMETERS if name in request.args]
    if args and ("page", "1") in args:
        args.remove(("page", "1"))
    if language != DEFAULT:
        args.append(("lang", language))
    query = f"?{urlencode(args)}" if args else ""
    return site_root() + (path or request.path) + query


def language_alternates(path: str | None = None) -> list[tuple[str, str]]:
    """``(hreflang, href)`` for each interface language, and ``x-default`` (Vietnamese)."""
    pairs = [(code, page_url(code, path)) for code in LANGUAGES]
    pairs.append(("x-default", page_url(DEFAULT, path)))
    return pairs


def absolute(url: str | None) -> str | None:
    """A link the page gives as a path, made absolute for crawlers and share cards."""
    if not url:
        return None
    if url.startswith("//"):
        return request.scheme + ":" + url
    return site_root() + url if url.startswith("/") else url


def json_ld(data: dict[str, Any]) -> Markup:
    """A ``<script type="application/ld+json">`` block; ``<`` is escaped so no text in it
    can close the element. A data block runs nothing: the CSP needs no exception."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return Markup(f'<script type="application/ld+json">{text}</script>')  # noqa: S704


def publisher(name: str) -> dict[str, Any]:
    return {
        "@type": "NewsMediaOrganization",
        "name": name,
        "url": site_root() + "/",
        "logo": {"@type": "ImageObject", "url": absolute(url_for("static", filename="logo.png"))},
    }


def news_article(item: dict[str, Any], section: str | None, portal: str) -> dict[str, Any]:
    """schema.org NewsArticle for an article page."""
    published = machine_datetime(item.get("published_at"))
    modified = machine_datetime(item.get("updated_at")) or published
    images = [absolute(image.get("url")) for image in item.get("images") or []]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url()},
        "url": site_root() + article_url(item),
        "headline": _headline(item.get("title") or ""),
        "description": item.get("summary") or None,
        "datePublished": published or None,
        "dateModified": modified or None,
        "inLanguage": item.get("language") or DEFAULT,
        "articleSection": section,
        "image": [url for url in images if url] or None,
        "author": {"@type": "Person", "name": item["author"]} if item.get("author") else None,
        "publisher": publisher(portal),
        "keywords": item.get("tags") or None,
    }
    if not item.get("author"):
        data["author"] = {"@type": "Organization", "name": portal, "url": site_root() + "/"}
    return {key: value for key, value in data.items() if value is not None}


def breadcrumb_list(home: str, crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    """schema.org BreadcrumbList: the home page, then ``(name, path)`` pairs in order."""
    trail = [(home, "/"), *crumbs]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": page_url(path=path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def _headline(title: str) -> str:
    if len(title) <= HEADLINE_MAX:
        return title
    return title[: HEADLINE_MAX - 1].rsplit(" ", 1)[0] + "…"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        page_url=page_url,
        language_alternates=language_alternates,
        absolute_url=absolute,
        og_locale=lambda code=None: OG_LOCALES.get(code or current_language(), "vi_VN"),
        og_locales=OG_LOCALES,
        news_article=news_article,
        breadcrumb_list=breadcrumb_list,
        category_path=category_url,
    )
    app.jinja_env.filters["json_ld"] = json_ld
