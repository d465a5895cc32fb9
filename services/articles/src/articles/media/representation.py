"""Photos as the API shows them: the media record, and the photo inside an article."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, has_app_context

from articles.media.config import MediaSettings
from articles.media.storage import PUBLIC
from articles.media.usage import alt_of, caption_of
from articles.models import ArticleImage, Media

ARTICLE_IMAGE_WIDTH = 1024  # the ``url`` of a photo in an article: a JPEG this wide at most


def public_base() -> str:
    """``MEDIA_PUBLIC_URL`` of the running app."""
    if has_app_context():
        return current_app.config.get("MEDIA_PUBLIC_URL", MediaSettings.media_public_url)
    return MediaSettings.media_public_url


def renditions(media: Media) -> list[dict[str, Any]]:
    base = public_base()
    return [
        {
            "width": item["width"],
            "height": item["height"],
            "format": item["format"],
            "url": base + item["key"].removeprefix(PUBLIC),
            "bytes": item["bytes"],
        }
        for item in json.loads(media.renditions or "[]")
    ]


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def media_dict(media: Media) -> dict[str, Any]:
    return {
        "id": media.id,
        "status": media.status,
        "reason": media.reason,
        "original": {
            "width": media.width,
            "height": media.height,
            "bytes": media.original_bytes,
            "type": media.original_type,
        },
        "renditions": renditions(media),
        "caption": media.caption,
        "alt": media.alt,
        "credit": media.credit,
        "sha256": media.sha256,
        "created_at": iso(media.created_at),
        "updated_at": iso(media.updated_at),
        "created_by": media.created_by,
    }


def photo(media: Media) -> dict[str, Any]:
    """What a page needs to show the photo: its size, renditions and words."""
    return {
        "id": media.id,
        "status": media.status,
        "width": media.width,
        "height": media.height,
        "caption": media.caption,
        "alt": media.alt,
        "credit": media.credit,
        "renditions": renditions(media),
    }


def fallback_url(made: list[dict[str, Any]]) -> str | None:
    """The widest JPEG up to :data:`ARTICLE_IMAGE_WIDTH`: for readers of ``url`` alone."""
    jpegs = sorted((r for r in made if r["format"] == "jpeg"), key=lambda r: r["width"])
    fitting = [r for r in jpegs if r["width"] <= ARTICLE_IMAGE_WIDTH] or jpegs[:1]
    return fitting[-1]["url"] if fitting else None


def article_image(image: ArticleImage) -> dict[str, Any]:
    """An article's image; one naming a photo takes its caption, alt text and renditions."""
    data: dict[str, Any] = {
        "url": image.url,
        "media_id": image.media_id,
        "caption": caption_of(image),
        "alt": alt_of(image) if image.media is not None else image.alt,
        "position": image.position,
    }
    if image.media is not None:
        shown = photo(image.media)
        data.update(
            url=fallback_url(shown["renditions"]),
            width=shown["width"],
            height=shown["height"],
            credit=shown["credit"],
            renditions=shown["renditions"],
        )
    return data
