"""Who is signed in: the session cookie read on every request, and role checks.

Roles are enforced here, on the server, whatever the pages show: a view decorated with
``requires("editor")`` answers 403 to an author however the request was made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, redirect, request, url_for

from newsroom import extensions, login_sessions
from newsroom.accounts import has_role
from newsroom.models import User

COOKIE = "newsroom_session"
OPEN_ENDPOINTS = {"static", "auth.login", "auth.code", "healthz", "readyz", "metrics_view"}
ENROLL_ENDPOINTS = {"auth.two_factor", "auth.logout", "static"}

F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    return g.get("user")


def client_address() -> str:
    return request.remote_addr or ""


def lifetime() -> login_sessions.Lifetime:
    config = current_app.config
    return login_sessions.Lifetime(config["SESSION_MAX_AGE_S"], config["SESSION_IDLE_S"])


def needs_enrolment(user: User) -> bool:
    """An admin without a second factor where NEWSROOM_REQUIRE_2FA asks for one."""
    return bool(current_app.config["REQUIRE_2FA"] and user.role == "admin" and not user.totp_secret)


def requires(role: str) -> Callable[[F], F]:
    """Sign-in needed (else the login page), and ``role`` or higher (else 403)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not has_role(user, role):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def safe_next(target: str | None) -> str:
    """A path within the newsroom to go to after sign-in, never another site."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or "\\" in target:
        return url_for("dashboard.home")
    return target


def set_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=current_app.config["SESSION_MAX_AGE_S"],
        path=request.script_root or "/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=request.script_root or "/")


def _load_user() -> Response | None:
    g.user = None
    token = request.cookies.get(COOKIE, "")
    if token and request.endpoint not in {"static", "healthz", "readyz", "metrics_view"}:
        with extensions.database().session() as session:
            g.user = login_sessions.resume(session, token, lifetime())
    user = g.user
    if user is not None and needs_enrolment(user) and request.endpoint not in ENROLL_ENDPOINTS:
        return redirect(url_for("auth.two_factor"))
    return None


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
    app.jinja_env.globals.update(current_user=current_user, has_role=has_role)
