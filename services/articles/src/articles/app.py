"""The articles API app: settings, database, HTTP conventions, resources."""

from __future__ import annotations

import logging

from flask import Flask, Response
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from articles.api import articles, categories, media
from articles.db import Database
from articles.errors import DomainError
from articles.readcache import LIST_MAX_AGE_S, Answers
from articles.settings import Settings
from portalkit.api import create_api
from portalkit.config import as_dict, load_or_exit
from portalkit.http import init_http
from portalkit.logging import configure_logging
from portalkit.problems import problem

SERVICE = "articles"
DATABASE_UNAVAILABLE = (OperationalError, DisconnectionError, PoolTimeout)

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the API app; nothing connects until the first request."""
    if settings is None:
        settings = load_or_exit(Settings.from_env)
        configure_logging(SERVICE, settings.log_level)
    app = Flask(__name__)
    app.config.update(as_dict(settings))
    app.json.ensure_ascii = False  # Vietnamese text as UTF-8, not \u escapes
    db = Database(settings.database_url, settings.db_pool_size)
    app.extensions["articles.db"] = db
    metrics = init_http(
        app,
        SERVICE,
        ready_checks={"database": db.ping},
        unavailable=DATABASE_UNAVAILABLE,
        max_body_bytes=settings.max_body_bytes,
    )
    app.extensions["articles.writes"] = metrics.counter(
        "writes_total", "Committed writes by operation.", ("operation",)
    )
    app.extensions["articles.answers"] = Answers(settings.read_cache_bytes)
    app.extensions["articles.list_answers"] = Answers(
        settings.read_cache_bytes // 4, max_age_s=LIST_MAX_AGE_S
    )
    app.extensions["articles.reads"] = metrics.counter(
        "read_cache_total", "Article reads answered from the per-process cache.", ("result",)
    )
    api = create_api(
        app,
        "Articles API",
        "Articles of the Yên Bái portal: categories, accent-insensitive search, "
        "publishing workflow, revisions. Writes need a bearer token.",
    )
    api.register_blueprint(categories.blp)
    api.register_blueprint(articles.blp)
    api.register_blueprint(media.blp)

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError) -> Response:
        return problem(exc.status, exc.detail, errors=exc.errors)

    @app.errorhandler(IntegrityError)
    def _integrity_error(exc: IntegrityError) -> Response:
        log.info("write refused by a constraint: %s", exc.orig)
        return problem(409, "the change conflicts with existing data (a slug already taken?)")

    return app
