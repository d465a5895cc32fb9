"""The article desk: the list, the editor, the workflow, revisions, photos."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from newsroom import extensions
from newsroom.desk_api import ApiError, Unavailable
from newsroom.guard import current_user, requires

bp = Blueprint("desk", __name__)
UPLOAD_ENDPOINT = "desk.upload"
PER_PAGE = 20
FILTERS = ("status", "category", "author", "q")


def actor() -> str:
    user = current_user()
    assert user is not None
    return user.username


@bp.get("/articles")
@requires("author")
def articles() -> str:
    """Newest first, filtered by status, category, author and text, with view counts."""
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    page = max(1, request.args.get("page", 1, type=int) or 1)
    api = extensions.desk_api()
    listing: dict[str, Any] = api.articles(actor(), page=page, per_page=PER_PAGE, **filters)
    ids = [item["id"] for item in listing["items"]]
    try:
        views = api.view_counts(actor(), ids)
    except (ApiError, Unavailable):  # counts are a nicety; the list stands without them
        views = {}
    return render_template(
        "desk/articles.html", listing=listing, views=views, filters=filters, page=page
    )


@bp.post("/media")
@requires("author")
def upload() -> str:
    return ""


@bp.get("/articles/new")
@requires("author")
def new() -> str:
    return ""


@bp.get("/articles/<int:article_id>")
@requires("author")
def edit(article_id: int) -> str:
    return ""
