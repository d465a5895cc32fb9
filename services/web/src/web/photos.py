"""Photos on pages: ``<picture>`` sources from the renditions the articles API lists, and
the photos an article's body names with ``<img data-media-id>``."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import get_template_attribute
from markupsafe import Markup

PAGE_WIDTH = 1024  # the ``src`` for browsers that read no srcset: a JPEG this wide at most
BODY_PHOTO = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
MEDIA_ID = re.compile(r'\bdata-media-id="(\d{1,9})"')
ALT = re.compile(r'\balt="([^"]*)"')


@dataclass(frozen=True)
class Picture:
    src: str
    alt: str
    width: int | None = None
    height: int | None = None
    webp: str = ""  # srcset of the WebP renditions
    jpeg: str = ""
    caption: str | None = None
    credit: str | None = None


def _srcset(renditions: list[Mapping[str, Any]], fmt: str) -> str:
    chosen = sorted((r for r in renditions if r.get("format") == fmt), key=lambda r: r["width"])
    return ", ".join(f"{r['url']} {r['width']}w" for r in chosen)


def picture(image: Mapping[str, Any] | None, alt: str | None = None) -> Picture | None:
    """How to show an article image (or a photo of ``media``); None when there is nothing."""
    if not image:
        return None
    renditions = [r for r in image.get("renditions") or [] if r.get("url")]
    text = alt or image.get("alt") or image.get("caption") or ""
    if not renditions:
        url = image.get("url")
        return Picture(url, text, caption=image.get("caption")) if url else None
    jpegs = sorted((r for r in renditions if r["format"] == "jpeg"), key=lambda r: r["width"])
    fallback = ([r for r in jpegs if r["width"] <= PAGE_WIDTH] or jpegs or renditions)[-1]
    return Picture(
        src=fallback["url"],
        alt=text,
        width=fallback.get("width"),
        height=fallback.get("height"),
        webp=_srcset(renditions, "webp"),
        jpeg=_srcset(renditions, "jpeg"),
        caption=image.get("caption"),
        credit=image.get("credit"),
    )


def expand_body(body_html: str, photos: list[Mapping[str, Any]]) -> Markup:
    """The body with each ``<img data-media-id>`` shown as a captioned ``<picture>``.

    The body was sanitized by the articles service; a photo not (yet) ready is left out.
    """
    ready = {p["id"]: p for p in photos if p.get("status") == "ready"}
    figure = get_template_attribute("_photos.html", "figure")

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        named = MEDIA_ID.search(tag)
        if named is None:
            return tag
        photo = ready.get(int(named.group(1)))
        if photo is None:
            return ""
        alt = ALT.search(tag)
        shown = picture(photo, alt=html.unescape(alt.group(1)) if alt else None)
        return str(figure(shown, lazy=True))

    return Markup(BODY_PHOTO.sub(replace, body_html or ""))  # noqa: S704 - sanitized upstream
