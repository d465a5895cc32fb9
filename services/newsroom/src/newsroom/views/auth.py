"""Signing in (password, then a TOTP code when the user has one), out, and 2FA set-up."""

from __future__ import annotations

import time

import pyotp
from flask import Blueprint, Response, redirect, render_template, request, session, url_for

from newsroom import audit, extensions, login_sessions
from newsroom.accounts import authenticate
from newsroom.forms import CodeForm, LoginForm
from newsroom.guard import (
    COOKIE,
    clear_cookie,
    client_address,
    current_user,
    requires,
    safe_next,
    set_cookie,
)
from newsroom.models import User

bp = Blueprint("auth", __name__)

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = "Quá nhiều lần đăng nhập sai. Hãy thử lại sau ít phút."
WRONG_CODE = "Mã xác thực không đúng."
PENDING_S = 300
ISSUER = "Newsroom"


def _render_login(form: LoginForm, error: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("login.html", form=form, error=error), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _render_login(form, status=400 if request.method == "POST" else 200)
    username, address = form.username.data.strip().lower(), client_address()
    lockout = extensions.lockout()
    if lockout.locked(username, address):
        return _render_login(form, LOCKED, 429)
    with extensions.database().session() as db:
        user = authenticate(db, username, form.password.data)
        if user is None:
            lockout.failed(username, address)
            audit.record(db, username, "login.failed", address=address)
            return _render_login(form, WRONG, 401)
        if user.totp_secret:
            session.clear()
            session.update(pending_user=user.id, pending_at=time.time(), next=form.next.data)
            return redirect(url_for("auth.code"))
        return _signed_in(db, user, form.next.data)


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> Response | tuple[str, int]:
    pending, started = session.get("pending_user"), session.get("pending_at", 0)
    if pending is None or time.time() - started > PENDING_S:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("code.html", form=form, error=""), 200
    address, lockout = client_address(), extensions.lockout()
    with extensions.database().session() as db:
        user = db.get(User, pending)
        if user is None or not user.active or not user.totp_secret:
            return redirect(url_for("auth.login"))
        if lockout.locked(user.username, address):
            return render_template("code.html", form=form, error=LOCKED), 429
        if not pyotp.TOTP(user.totp_secret).verify(form.code.data.strip(), valid_window=1):
            lockout.failed(user.username, address)
            audit.record(db, user.username, "login.failed_code", address=address)
            return render_template("code.html", form=form, error=WRONG_CODE), 401
        return _signed_in(db, user, session.get("next", ""))


def _signed_in(db, user: User, next_path: str) -> Response:
    """A fresh session id and CSRF token for the signed-in user; the old ones are gone."""
    extensions.lockout().succeeded(user.username)
    old = request.cookies.get(COOKIE)
    if old:
        login_sessions.end(db, old)
    session.clear()
    token = login_sessions.start(db, user, client_address(), request.user_agent.string)
    audit.record(db, user.username, "login", address=client_address())
    response = redirect(safe_next(next_path))
    set_cookie(response, token)
    return response


@bp.post("/logout")
def logout() -> Response:
    user = current_user()
    with extensions.database().session() as db:
        token = request.cookies.get(COOKIE)
        if token:
            login_sessions.end(db, token)
        if user is not None:
            audit.record(db, user.username, "logout", address=client_address())
    session.clear()
    response = redirect(url_for("auth.login"))
    clear_cookie(response)
    return response


@bp.route("/account/2fa", methods=["GET", "POST"])
@requires("author")
def two_factor() -> Response | tuple[str, int]:
    """Turn on a TOTP second factor: show a new secret, confirm it with a first code."""
    user = current_user()
    assert user is not None
    if user.totp_secret:
        return render_template("two_factor.html", enabled=True, form=None), 200
    secret = session.get("totp_setup") or pyotp.random_base32()
    session["totp_setup"] = secret
    form = CodeForm()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    if form.validate_on_submit():
        if pyotp.TOTP(secret).verify(form.code.data.strip(), valid_window=1):
            with extensions.database().session() as db:
                db.get(User, user.id).totp_secret = secret
                audit.record(db, user.username, "2fa.enabled", address=client_address())
            session.pop("totp_setup", None)
            return redirect(url_for("dashboard.home"))
        return render_template(
            "two_factor.html", enabled=False, form=form, secret=secret, uri=uri, error=WRONG_CODE
        ), 400
    return render_template(
        "two_factor.html", enabled=False, form=form, secret=secret, uri=uri, error=""
    ), 200
