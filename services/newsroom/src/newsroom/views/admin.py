"""Admin pages: the users (list, create, disable, enable) and the audit log."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from newsroom import audit, extensions, login_sessions
from newsroom.accounts import AccountError, create_user, list_users, set_active
from newsroom.forms import ActionForm, UserForm
from newsroom.guard import client_address, current_user, requires
from newsroom.models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 100


def _users_page(form: UserForm, error: str = "", status: int = 200) -> tuple[str, int]:
    with extensions.database().session() as db:
        users = [(user, login_sessions.count_for(db, user)) for user in list_users(db)]
    return render_template(
        "admin/users.html", users=users, form=form, action=ActionForm(), error=error
    ), status


@bp.get("/users")
@requires("admin")
def users() -> tuple[str, int]:
    return _users_page(UserForm())


@bp.post("/users")
@requires("admin")
def create() -> Response | tuple[str, int]:
    form = UserForm()
    if not form.validate_on_submit():
        return _users_page(form, "Hãy kiểm tra các trường của biểu mẫu.", 422)
    actor = current_user()
    assert actor is not None
    try:
        with extensions.database().session() as db:
            user = create_user(
                db, form.username.data, form.password.data, form.role.data, form.display_name.data
            )
            audit.record(
                db, actor.username, "user.created", user.username, user.role, client_address()
            )
    except AccountError as exc:
        return _users_page(form, str(exc), 422)
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@requires("admin")
def toggle(user_id: int) -> Response:
    actor = current_user()
    assert actor is not None
    if user_id == actor.id:
        abort(409)
    active = request.form.get("active") == "1"
    with extensions.database().session() as db:
        user = db.get(User, user_id)
        if user is None:
            abort(404)
        set_active(db, user, active)
        action = "user.enabled" if active else "user.disabled"
        audit.record(db, actor.username, action, user.username, address=client_address())
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@requires("admin")
def audit_log() -> str:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with extensions.database().session() as db:
        entries = audit.recent(db, AUDIT_PAGE, (page - 1) * AUDIT_PAGE)
    return render_template("admin/audit.html", entries=entries, page=page, per_page=AUDIT_PAGE)
