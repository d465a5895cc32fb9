"""Categories: the tree, and creating, renaming and moving them (editors)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from newsroom import audit, extensions
from newsroom.categories_tree import choices, flatten
from newsroom.desk_api import ApiError
from newsroom.forms import ActionForm
from newsroom.guard import client_address, requires
from newsroom.views.articles import refusal_errors, signed_in

bp = Blueprint("categories", __name__, url_prefix="/categories")


def tree_page(error: str = "", status: int = 200) -> tuple[str, int]:
    tree = extensions.desk_api().categories(signed_in().username)
    return render_template(
        "categories.html",
        nodes=list(flatten(tree)),
        parents=choices(tree),
        action=ActionForm(),
        error=error,
    ), status


@bp.get("")
@requires("editor")
def tree() -> tuple[str, int]:
    return tree_page()


@bp.post("")
@requires("editor")
def create() -> Response | tuple[str, int]:
    fields = {
        "name": request.form.get("name", "").strip(),
        "name_en": request.form.get("name_en", "").strip() or None,
        "parent": request.form.get("parent") or None,
    }
    if request.form.get("slug", "").strip():
        fields["slug"] = request.form["slug"].strip()
    return _apply(
        "category.created",
        fields["name"],
        lambda actor, api: api.create_category(
            actor, {key: value for key, value in fields.items() if value is not None}
        ),
    )


@bp.post("/<string:slug>")
@requires("editor")
def change(slug: str) -> Response | tuple[str, int]:
    """Rename (``name``, ``name_en``) or move (``parent``; empty: to the top)."""
    fields: dict[str, str | None] = {}
    for key in ("name", "name_en"):
        if request.form.get(key, "").strip():
            fields[key] = request.form[key].strip()
    if "parent" in request.form:
        fields["parent"] = request.form["parent"] or None
    return _apply(
        "category.changed", slug, lambda actor, api: api.update_category(actor, slug, fields)
    )


def _apply(action: str, target: str, call) -> Response | tuple[str, int]:
    user = signed_in()
    try:
        call(user.username, extensions.desk_api())
    except ApiError as exc:
        message = "; ".join(f"{k}: {v}" for k, v in refusal_errors(exc).items())
        return tree_page(message, exc.status if exc.status < 500 else 502)
    with extensions.database().session() as db:
        audit.record(db, user.username, action, target, address=client_address())
    return redirect(url_for("categories.tree"))
