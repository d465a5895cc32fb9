"""The newsroom app: settings, its database and Redis, sessions, CSRF, pages."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.middleware.proxy_fix import ProxyFix

from newsroom import errors, extensions, guard, security, templating
from newsroom.db import Database
from newsroom.desk_api import DeskApi, Unavailable
from newsroom.lockout import Lockout
from newsroom.settings import Settings
from newsroom.views import admin, articles, auth, categories, dashboard, media, revisions
from portalkit.app import flask_app
from portalkit.http import init_http
from portalkit.process import start_process
from portalkit.redis_client import connect, ping

SERVICE = "newsroom"
UNAVAILABLE = (OperationalError, DisconnectionError, PoolTimeout, Unavailable)
FORM_OVERHEAD = 64 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app; nothing connects until the first request."""
    settings = settings or start_process(SERVICE, Settings.from_env)
    app = flask_app(__name__, settings)
    _configure_cookies(app, settings)
    if settings.proxy_hops:
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
    db = extensions.database.init_app(app, Database(settings.database_url))
    redis_client = connect(settings.redis_url, socket_timeout=2.0)
    init_http(
        app,
        SERVICE,
        ready_checks={"database": db.ping, "redis": lambda: ping(redis_client)},
        json_api=False,
        unavailable=UNAVAILABLE,
        max_body_bytes=settings.max_body_bytes,
        body_limits={articles.UPLOAD_ENDPOINT: settings.media_max_bytes + FORM_OVERHEAD},
    )
    extensions.csrf.init_app(app)
    extensions.lockout.init_app(
        app,
        Lockout(
            redis_client,
            settings.login_max_failures,
            settings.address_max_failures,
            settings.lockout_s,
        ),
    )
    extensions.desk_api.init_app(app, DeskApi(settings))
    errors.init_app(app, UNAVAILABLE)
    security.init_app(app)
    guard.init_app(app)
    templating.init_app(app)
    for view in (auth, admin, dashboard, articles, revisions, media, categories):
        app.register_blueprint(view.bp)
    return app


def _configure_cookies(app: Flask, settings: Settings) -> None:
    """Flask's own (signed) session only carries the CSRF token and a half-done sign-in."""
    app.config.update(
        SESSION_COOKIE_NAME="newsroom_form",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=settings.session_max_age_s,
    )
