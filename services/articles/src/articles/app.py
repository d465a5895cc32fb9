"""The articles API app: settings, database, HTTP conventions, resources."""

from __future__ import annotations

import logging

from flask import Flask, Response
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from articles import extensions
from articles.api import articles, categories, media, media_files, tags
from articles.db import Database
from articles.errors import DomainError
from articles.media.services import MEDIA_UNAVAILABLE, init_media
from articles.outbox_metrics import OutboxCollector
from articles.settings import Settings
from articles.versions import VERSION_RECHECK_S
from portalkit.answer_cache import AnswerCache
from portalkit.api import create_api
from portalkit.app import flask_app
from portalkit.http import init_http
from portalkit.metrics import Metrics
from portalkit.problems import problem
from portalkit.process import start_process
from portalkit.recent import RecentReads

GATEWAY_PREFIX = "/api/articles"  # where the gateway serves this API
SERVICE = "articles"
DATABASE_UNAVAILABLE = (OperationalError, DisconnectionError, PoolTimeout)
LIST_MAX_AGE_S = 10.0  # public lists: a PostgreSQL commit may land behind a later id
LIST_REFRESH_S = 8.0  # a busy list is rebuilt by one reader from then on, before it expires
ARTICLE_REFRESH_S = 270.0  # an article's answer: rebuilt by one reader from then on (300 s)
ARTICLE_SPREAD = 0.2  # ... and the ages of each shortened by up to a fifth, drawn when built

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the API app; nothing connects until the first request."""
    settings = settings or start_process(SERVICE, Settings.from_env)
    app = flask_app(__name__, settings)
    app.json.ensure_ascii = False  # Vietnamese text as UTF-8, not \u escapes
    db = extensions.database.init_app(app, Database(settings.database_url, settings.db_pool_size))
    init_media(app, settings, db)
    metrics = init_http(
        app,
        SERVICE,
        ready_checks={"database": db.ping},
        unavailable=(*DATABASE_UNAVAILABLE, *MEDIA_UNAVAILABLE),
        max_body_bytes=settings.max_body_bytes,
        body_limits={media.UPLOAD_ENDPOINT: settings.media_max_bytes + media.FORM_OVERHEAD},
        form_endpoints={media.UPLOAD_ENDPOINT},
    )
    _init_extensions(app, settings, metrics)
    metrics.register(OutboxCollector(db))
    api = create_api(
        app,
        "Articles API",
        "Articles of the Yên Bái portal: categories, accent-insensitive search, "
        "publishing workflow, revisions. Writes need a bearer token.",
        gateway_prefix=GATEWAY_PREFIX,
    )
    api.register_blueprint(categories.blp)
    api.register_blueprint(articles.blp)
    api.register_blueprint(tags.blp)
    api.register_blueprint(media.blp)
    api.register_blueprint(media_files.blp)

    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    return app


def _init_extensions(app: Flask, settings: Settings, metrics: Metrics) -> None:
    extensions.writes_metric.init_app(
        app, metrics.counter("writes_total", "Committed writes by operation.", ("operation",))
    )
    extensions.reads_metric.init_app(
        app,
        metrics.counter(
            "read_cache_total", "Article reads answered from the per-process cache.", ("result",)
        ),
    )
    extensions.article_answers.init_app(
        app,
        AnswerCache(
            settings.read_cache_bytes, refresh_after_s=ARTICLE_REFRESH_S, spread=ARTICLE_SPREAD
        ),
    )
    extensions.recent_versions.init_app(app, RecentReads(VERSION_RECHECK_S))
    extensions.recent_generation.init_app(app, RecentReads(VERSION_RECHECK_S, max_items=1))
    extensions.list_answers.init_app(
        app,
        AnswerCache(
            settings.read_cache_bytes // 4,
            max_age_s=LIST_MAX_AGE_S,
            refresh_after_s=LIST_REFRESH_S,
        ),
    )


def _domain_error(exc: DomainError) -> Response:
    return problem(exc.status, exc.detail, errors=exc.errors)


def _integrity_error(exc: IntegrityError) -> Response:
    log.info("write refused by a constraint: %s", exc.orig)
    return problem(409, "the change conflicts with existing data (a slug already taken?)")
