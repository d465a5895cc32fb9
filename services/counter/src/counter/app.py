"""The counter API app: settings, Redis, HTTP conventions, resources."""

from __future__ import annotations

from flask import Flask, Response

from counter import extensions
from counter.api import blp
from counter.api.view_lane import ViewLane
from counter.clock import Clock, system_clock
from counter.counting import RateLimited, ViewCounter
from counter.settings import VIEW_BODY_BYTES, Settings
from portalkit.api import create_api
from portalkit.app import flask_app
from portalkit.http import init_http
from portalkit.problems import problem
from portalkit.process import start_process
from portalkit.redis_client import accepts_writes, connect

GATEWAY_PREFIX = "/api/views"  # where the gateway serves this API
SERVICE = "counter"
BATCH_ENDPOINT = "views.BatchViews"


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> Flask:
    """Build the app; ``clock`` lets tests move time across the portal's midnight."""
    settings = settings or start_process(SERVICE, Settings.from_env)
    app = flask_app(__name__, settings)
    client = connect(settings.redis_url)
    metrics = init_http(
        app,
        SERVICE,
        ready_checks={"redis": lambda: accepts_writes(client, SERVICE)},
        # Only the batch route takes large bodies; every other write stays under 16 KiB.
        max_body_bytes=VIEW_BODY_BYTES,
        body_limits={BATCH_ENDPOINT: settings.batch_body_bytes},
    )
    service = extensions.view_counter.init_app(app, ViewCounter(client, settings, clock))
    views_metric = extensions.views_metric.init_app(
        app,
        metrics.counter(
            "views_total", "Views received, by result (counted or the reason not).", ("result",)
        ),
    )
    app.register_error_handler(RateLimited, _rate_limited)
    api = create_api(
        app,
        "Counter API",
        "View counts, unique visitors and most-viewed rankings of the portal's articles.",
        gateway_prefix=GATEWAY_PREFIX,
    )
    api.register_blueprint(blp)
    app.wsgi_app = ViewLane(  # type: ignore[method-assign]
        app, service, metrics, views_metric, VIEW_BODY_BYTES
    )
    return app


def _rate_limited(exc: RateLimited) -> Response:
    return problem(
        429,
        "too many views from this address; try again later",
        headers={"Retry-After": str(exc.retry_after)},
    )
