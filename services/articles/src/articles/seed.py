"""Sample content for local runs: a provincial category tree, about 20 articles and
their photos.

The text (our own writing) is in ``sample_content.json``; the photos are our own
drawing (:mod:`articles.media.samples`), uploaded through the API so the articles-worker
makes their renditions. Articles go through :mod:`articles.store` like the API's
writes, so the published ones have their ``article.published`` events in the outbox.
"""

from __future__ import annotations

import html
import json
from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import func, select

from articles import store
from articles.categories import create_category
from articles.db import Database
from articles.media.samples import Upload, upload_samples
from articles.models import Category, utcnow


@cache
def sample_content() -> dict[str, list[dict[str, Any]]]:
    """``{"categories": [...], "articles": [...]}`` as written in the JSON file."""
    return json.loads(files("articles").joinpath("sample_content.json").read_text("utf-8"))


def article_data(sample: dict[str, Any], photos: dict[str, int]) -> dict[str, Any]:
    """A sample article as the store takes it: the body built from its paragraphs, its
    photos (by sample name in the file) named by their media ids."""
    data = {k: v for k, v in sample.items() if k not in ("paragraphs", "figure", "images")}
    data["body_html"] = _body(sample["paragraphs"], sample.get("figure"), photos)
    if "images" in sample:
        data["images"] = [
            {"media_id": photos[image["name"]], "caption": image["caption"]}
            for image in sample["images"]
        ]
    return data


def _body(paragraphs: list[str], figure: dict[str, str] | None, photos: dict[str, int]) -> str:
    parts = [f"<p>{paragraphs[0]}</p>"]
    if figure:
        media_id, alt = photos[figure["name"]], html.escape(figure["caption"])
        parts.append(f'<img data-media-id="{media_id}" alt="{alt}">')
    parts += [f"<p>{text}</p>" for text in paragraphs[1:]]
    return "".join(parts)


def seed(database: Database, upload: Upload, if_empty: bool = False) -> int:
    """Load the sample categories, photos and articles; returns how many articles were added.

    ``upload`` sends a photo through the API (see
    :func:`articles.media.samples.api_uploader`).
    """
    now = utcnow()
    content = sample_content()
    if if_empty:
        with database.read_session() as session:
            if session.scalar(select(func.count()).select_from(Category)):
                return 0
    photos = upload_samples(upload)
    with database.write_session() as session:
        for category in content["categories"]:
            create_category(session, dict(category))
        for index, sample in enumerate(content["articles"]):
            data = {"source": "CTTĐT", "language": "vi", "status": "published"}
            data.update(article_data(sample, photos))
            if data["status"] == "published":
                data["published_at"] = now - timedelta(hours=5 * index + 1)
            elif data["status"] == "scheduled":
                data["published_at"] = now + timedelta(days=2)
            store.create_article(session, data)
    return len(content["articles"])
