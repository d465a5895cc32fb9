"""The desk's front page: what waits for review, what is scheduled, what is read most,
and whether the weather is fresh. Each part renders without the others' services."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, render_template

from newsroom import extensions
from newsroom.desk_api import ApiError, Unavailable
from newsroom.guard import current_user, requires

bp = Blueprint("dashboard", __name__)
T = TypeVar("T")
log = logging.getLogger(__name__)


def attempt(part: Callable[[], T]) -> T | None:
    """``part()``, or None when its service refused or did not answer."""
    try:
        return part()
    except (ApiError, Unavailable) as exc:
        log.warning("dashboard part missing: %s", exc)
        return None


def most_viewed(actor: str, window: str) -> list[dict[str, Any]]:
    """The most viewed articles of ``window`` with their titles."""
    api = extensions.desk_api()
    ranked = api.top(actor, window, 10)
    ids = [item["article_id"] for item in ranked]
    if not ids:
        return []
    found = api.articles(actor, ids=",".join(map(str, ids)), per_page=len(ids))["items"]
    titles = {item["id"]: item for item in found}
    return [
        {**item, "id": item["article_id"], "article": titles.get(item["article_id"])}
        for item in ranked
    ]


@bp.get("/")
@requires("author")
def home() -> str:
    user = current_user()
    assert user is not None
    actor, api = user.username, extensions.desk_api()
    return render_template(
        "dashboard.html",
        review=attempt(lambda: api.articles(actor, status="review", per_page=10)),
        scheduled=attempt(lambda: api.articles(actor, status="scheduled", per_page=10)),
        drafts=attempt(lambda: api.articles(actor, status="draft", per_page=10)),
        top_day=attempt(lambda: most_viewed(actor, "day")),
        top_week=attempt(lambda: most_viewed(actor, "week")),
        weather=attempt(lambda: api.weather(actor)),
    )
