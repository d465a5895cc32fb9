"""``body_html`` cleaning: what a news article needs, nothing that runs."""

from __future__ import annotations

import html
import re

import nh3

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "span", "div",
    "img", "figure", "figcaption", "picture", "source",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "data-media-id"},
    "source": {"srcset", "type", "media"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def _allowed_url(url: str) -> bool:
    """Relative URLs and the listed schemes; browsers ignore control characters in a scheme."""
    folded = "".join(ch for ch in html.unescape(url) if ch > " ")
    match = _SCHEME.match(folded)
    return match is None or match.group(1).lower() in URL_SCHEMES


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 checks the schemes of href and src; ``srcset`` holds several URLs it leaves alone.
    ``data-media-id`` names a photo of the library by its number."""
    if attribute == "data-media-id":
        return value if value.isascii() and value.isdigit() and len(value) < 10 else None
    if attribute == "srcset":
        # Each candidate is a URL and a descriptor; the URL's scheme is checked with
        # the white space folded away, as a browser would read "java\tscript:".
        candidates = [part for part in html.unescape(value).split(",") if part.strip()]
        if not candidates or not all(_allowed_url(part) for part in candidates):
            return None
    return value


def clean_html(body: str) -> str:
    """Keep structure, links, images and captions; drop scripts, handlers and bad URLs.

    Attributes not listed (``onclick``, ``style``...) are dropped, ``<script>`` and
    ``<style>`` go with their content, and a URL whose scheme is not listed
    (``javascript:``, ``data:``) is removed from its attribute.
    """
    return nh3.clean(
        body,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(body: str) -> str:
    """The text of an HTML fragment, for the search index."""
    return html.unescape(nh3.clean(body, tags=set()))
