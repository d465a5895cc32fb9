"""``body_html`` cleaning: what a news article needs, nothing that runs."""

from __future__ import annotations

import html

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
    "img": {"src", "alt", "title", "width", "height"},
    "source": {"srcset", "type", "media"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


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
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(body: str) -> str:
    """The text of an HTML fragment, for the search index."""
    return html.unescape(nh3.clean(body, tags=set()))
