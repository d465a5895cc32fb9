"""The counter service: exact, deduplicated, bot-proof view counts with rankings.

The web stack is imported inside :func:`create_app`, so ``python -m counter.consumer``
starts without loading Flask and the OpenAPI machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from counter.clock import Clock, system_clock
from counter.settings import Settings

if TYPE_CHECKING:
    from flask import Flask

BATCH_ENDPOINT = "views.BatchViews"


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> Flask:
    """Build the app; ``clock`` lets tests move time across the portal's midnight."""
    from flask import Flask, Response

    from counter.api import blp
    from counter.counting import RateLimited, ViewCounter
    from counter.settings import VIEW_BODY_BYTES
    from portalkit.api import create_api
    from portalkit.config import as_dict, load_or_exit
    from portalkit.http import init_http
    from portalkit.logging import configure_logging
    from portalkit.problems import problem
    from portalkit.redis_client import connect, ping

    if settings is None:
        settings = load_or_exit(Settings.from_env)
        configure_logging("counter", settings.log_level)
    app = Flask(__name__)
    app.config.update(as_dict(settings.common))
    client = connect(settings.redis_url)
    metrics = init_http(
        app,
        "counter",
        ready_checks={"redis": lambda: ping(client)},
        # Only the batch route takes large bodies; every other write stays under 16 KiB.
        max_body_bytes=VIEW_BODY_BYTES,
        body_limits={BATCH_ENDPOINT: settings.batch_body_bytes},
    )
    app.extensions["counter"] = ViewCounter(client, settings, clock)
    app.extensions["counter.views_metric"] = metrics.counter(
        "views_total", "Views received, by result (counted or the reason not).", ("result",)
    )

    @app.errorhandler(RateLimited)
    def _rate_limited(exc: RateLimited) -> Response:
        return problem(
            429,
            "too many views from this address; try again later",
            headers={"Retry-After": str(exc.retry_after)},
        )

    api = create_api(
        app,
        "Counter API",
        "View counts, unique visitors and most-viewed rankings of the portal's articles.",
    )
    api.register_blueprint(blp)
    return app
