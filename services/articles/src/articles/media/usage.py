"""Photos in articles: an image or a body ``<img data-media-id="N">`` naming a photo.

On every article write the photos it names are looked up (422 for an unknown id) and
linked (``article_media``); those links keep a photo from being deleted while a
published article shows it, and say which articles to refresh when a photo changes.
A published or scheduled article needs alt text for every photo (its own, else the
caption, else the photo's) and no photo that failed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from articles.errors import Invalid
from articles.models import Article, ArticleImage, ArticleMedia, Media

BODY_PHOTO = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
MEDIA_ID = re.compile(r'\bdata-media-id="(\d{1,9})"')
ALT = re.compile(r'\balt="([^"]*)"')
SHOWN = ("published", "scheduled")


@dataclass(frozen=True)
class BodyPhoto:
    media_id: int
    alt: str | None


def body_photos(body_html: str) -> list[BodyPhoto]:
    """The photos ``body_html`` names, in order (the sanitizer has normalized its tags)."""
    found = []
    for tag in BODY_PHOTO.findall(body_html or ""):
        media_id = MEDIA_ID.search(tag)
        if media_id:
            alt = ALT.search(tag)
            found.append(
                BodyPhoto(int(media_id.group(1)), html.unescape(alt.group(1)) if alt else None)
            )
    return found


def caption_of(image: ArticleImage) -> str | None:
    """The article's caption, else the photo's."""
    return image.caption or (image.media.caption if image.media is not None else None)


def alt_of(image: ArticleImage) -> str | None:
    """The article's alt text, else the photo's, else the caption shown."""
    media = image.media
    return (
        _text(image.alt)
        or (_text(media.alt) if media is not None else None)
        or _text(caption_of(image))
    )


def _text(value: str | None) -> str | None:
    return value if value and value.strip() else None


def link_photos(session: Session, article: Article) -> None:
    """Resolve and link the photos the article names; check them when it is shown."""
    body = body_photos(article.body_html or "")
    wanted = list(
        dict.fromkeys(
            [i.media_id for i in article.images if i.media_id] + [p.media_id for p in body]
        )
    )
    found = (
        {m.id: m for m in session.scalars(select(Media).where(Media.id.in_(wanted)))}
        if wanted
        else {}
    )
    errors: dict[str, list[str]] = {}
    for image in article.images:
        if image.media_id is not None and image.media_id not in found:
            errors.setdefault("images", []).append(f"no photo has the id {image.media_id}")
    for photo in body:
        if photo.media_id not in found:
            errors.setdefault("body_html", []).append(f"no photo has the id {photo.media_id}")
    if errors:
        raise Invalid(errors)
    for image in article.images:
        image.media = found.get(image.media_id) if image.media_id else None
    current = {link.media_id: link for link in article.media_links}
    article.media_links = [
        current.get(i) or ArticleMedia(media_id=i, media=found[i]) for i in wanted
    ]
    if article.status in SHOWN:
        _check_shown(article, body, found)


def _check_shown(article: Article, body: list[BodyPhoto], found: dict[int, Media]) -> None:
    errors: dict[str, list[str]] = {}
    for number, image in enumerate(article.images, 1):
        name = f"image {number} (photo {image.media_id})" if image.media_id else f"image {number}"
        if alt_of(image) is None:
            errors.setdefault("images", []).append(f"{name} has no alt text and no caption")
        if image.media is not None and image.media.status == "failed":
            errors.setdefault("images", []).append(_failed(name, image.media))
    for photo in body:
        media = found[photo.media_id]
        name = f"the photo {media.id} in the body"
        if not (_text(photo.alt) or _text(media.alt) or _text(media.caption)):
            errors.setdefault("body_html", []).append(f"{name} has no alt text and no caption")
        if media.status == "failed":
            errors.setdefault("body_html", []).append(_failed(name, media))
    if errors:
        raise Invalid(errors)


def _failed(name: str, media: Media) -> str:
    return f"{name} could not be processed ({media.reason}); upload it again"
