"""Categories: the tree, and creating, renaming and moving them (editors)."""

from __future__ import annotations

from flask import Blueprint, render_template

from newsroom import extensions
from newsroom.guard import current_user, requires

bp = Blueprint("categories", __name__, url_prefix="/categories")


@bp.get("")
@requires("editor")
def tree() -> str:
    user = current_user()
    assert user is not None
    return render_template("categories.html", tree=extensions.desk_api().categories(user.username))
