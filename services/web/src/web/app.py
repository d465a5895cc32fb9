"""The web app: settings, page caches, the API client, HTTP conventions, views."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from portalkit.app import flask_app
from portalkit.http import init_http
from portalkit.metrics import Metrics
from portalkit.process import start_process
from portalkit.redis_client import connect, ping
from web import (
    assets,
    compression,
    errors,
    extensions,
    i18n,
    links,
    page_meta,
    rendered,
    security,
    templating,
)
from web.api_client import ApiClient
from web.page_data import PageDataCache
from web.rendered import RenderedPageCache
from web.settings import Settings
from web.views import beacon, feeds, media, pages, preview, sitemaps

SERVICE = "web"


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app; nothing connects until the first request."""
    settings = settings or start_process(SERVICE, Settings.from_env)
    app = flask_app(__name__, settings)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    redis_client = connect(settings.redis_url, socket_timeout=0.5)
    metrics = init_http(
        app,
        SERVICE,
        ready_checks={"redis": lambda: ping(redis_client)},
        json_api=False,
        max_body_bytes=settings.max_body_bytes,
    )
    page_data = PageDataCache(
        redis_client,
        lookups=metrics.counter("cache_lookups_total", "Page cache lookups.", ("result",)),
    )
    _init_api_client(app, settings, page_data, metrics)
    errors.init_app(app)
    security.init_app(app)
    links.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    assets.init_app(app)
    page_meta.init_app(app)
    rendered.init_app(app, RenderedPageCache(page_data, settings.page_cache_s))
    for view in (beacon, feeds, media, pages, preview, sitemaps):
        app.register_blueprint(view.bp)
    compression.init_app(app)
    return app


def _init_api_client(
    app: Flask, settings: Settings, page_data: PageDataCache, metrics: Metrics
) -> None:
    failures = metrics.counter(
        "api_failures_total", "Calls to an API that failed or timed out.", ("service",)
    )
    extensions.api_client.init_app(app, ApiClient(settings, page_data, failures=failures))
    extensions.api_pool.init_app(
        app, ThreadPoolExecutor(max_workers=8, thread_name_prefix="web-api")
    )
