"""Sample content for local runs: a provincial category tree and about 20 articles.

The text (our own writing) is in ``sample_content.json``. Articles go through
:mod:`articles.store` like the API's writes, so the published ones have their
``article.published`` events in the outbox.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import func, select

from articles import store
from articles.categories import create_category
from articles.db import Database
from articles.models import Category, utcnow


@cache
def sample_content() -> dict[str, list[dict[str, Any]]]:
    """``{"categories": [...], "articles": [...]}`` as written in the JSON file."""
    return json.loads(files("articles").joinpath("sample_content.json").read_text("utf-8"))


def article_data(sample: dict[str, Any]) -> dict[str, Any]:
    """A sample article as the store takes it: the body built from its paragraphs."""
    data = {k: v for k, v in sample.items() if k not in ("paragraphs", "figure", "images")}
    data["body_html"] = _body(sample["paragraphs"], sample.get("figure"))
    if "images" in sample:
        data["images"] = [_image(image["name"], image["caption"]) for image in sample["images"]]
    return data


def _image(name: str, caption: str) -> dict[str, str]:
    return {"url": f"/media/{name}", "caption": caption, "alt": caption}


def _body(paragraphs: list[str], figure: dict[str, str] | None) -> str:
    parts = [f"<p>{paragraphs[0]}</p>"]
    if figure:
        name, caption = figure["name"], figure["caption"]
        parts.append(
            f'<figure><img src="/media/{name}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    parts += [f"<p>{text}</p>" for text in paragraphs[1:]]
    return "".join(parts)


def seed(database: Database, if_empty: bool = False) -> int:
    """Load the sample categories and articles; returns how many articles were added."""
    now = utcnow()
    content = sample_content()
    with database.write_session() as session:
        if if_empty and session.scalar(select(func.count()).select_from(Category)):
            return 0
        for category in content["categories"]:
            create_category(session, dict(category))
        for index, sample in enumerate(content["articles"]):
            data = {"source": "CTTĐT", "language": "vi", "status": "published"}
            data.update(article_data(sample))
            if data["status"] == "published":
                data["published_at"] = now - timedelta(hours=5 * index + 1)
            elif data["status"] == "scheduled":
                data["published_at"] = now + timedelta(days=2)
            store.create_article(session, data)
    return len(content["articles"])
