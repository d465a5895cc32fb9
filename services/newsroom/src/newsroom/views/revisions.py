"""Revisions of an article: the list, a side-by-side of two versions, restoring one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from newsroom import audit, extensions
from newsroom.desk_api import ApiError
from newsroom.diffing import side_by_side
from newsroom.forms import ActionForm
from newsroom.guard import client_address, requires
from newsroom.views.articles import editable, signed_in
from newsroom.workflow import owner_of

bp = Blueprint("revisions", __name__)


def versions(article_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The current article and every version of it, newest first (the current one too),
    each with ``made_by``: who saved it.

    The API names, for each version, the token that saved it (``editor``) and the person
    the desk acted for (``actor``); a version saved without an actor falls back to the
    token's name, and version 1 to whoever started the article in the desk.
    """
    current = editable(article_id).article
    history = extensions.desk_api().history(signed_in().username, article_id)
    earlier = history.get("items", [])
    with extensions.database().session() as db:
        made_by = {1: owner_of(db, article_id)}
    for maker in [*earlier, history.get("current") or {}]:
        version = maker.get("version")
        if version is not None:
            made_by[version] = maker.get("actor") or made_by.get(version) or maker.get("editor")
    every = [{**r, "current": False} for r in earlier if r["version"] != current.get("version")]
    every.append(
        {
            "version": current.get("version"),
            "created_at": current.get("updated_at"),
            "article": current,
            "current": True,
        }
    )
    for revision in every:
        revision["made_by"] = made_by.get(revision["version"]) or ""
    return current, sorted(every, key=lambda r: r["version"], reverse=True)


@bp.get("/articles/<int:article_id>/revisions")
@requires("author")
def revisions(article_id: int) -> str:
    article, every = versions(article_id)
    return render_template(
        "desk/revisions.html", article=article, revisions=every, action=ActionForm()
    )


@bp.get("/articles/<int:article_id>/diff")
@requires("author")
def diff(article_id: int) -> str:
    article, every = versions(article_id)
    by_version = {r["version"]: r for r in every}
    left = by_version.get(request.args.get("a", type=int))
    right = by_version.get(request.args.get("b", type=int))
    if left is None or right is None:
        abort(404)
    table = side_by_side(
        left["article"],
        right["article"],
        f"Phiên bản {left['version']}",
        f"Phiên bản {right['version']}",
    )
    return render_template("desk/diff.html", article=article, left=left, right=right, table=table)


@bp.post("/articles/<int:article_id>/revisions/<int:version>/restore")
@requires("editor")
def restore(article_id: int, version: int) -> Response:
    """A new version with the content of ``version`` (editors; the API checks its scope)."""
    user = signed_in()
    editable(article_id)
    try:
        extensions.desk_api().restore(user.username, article_id, version)
    except ApiError as exc:
        abort(exc.status if exc.status in (403, 404, 409, 422) else 502)
    with extensions.database().session() as db:
        audit.record(
            db, user.username, "article.restored", str(article_id), f"v{version}", client_address()
        )
    return redirect(url_for("desk.edit", article_id=article_id, saved="restored"))
