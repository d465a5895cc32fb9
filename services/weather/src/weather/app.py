"""The weather API app: settings, Redis, Celery, HTTP conventions, resources."""

from __future__ import annotations

from flask import Flask
from kombu.exceptions import OperationalError

from portalkit.api import create_api
from portalkit.app import flask_app
from portalkit.http import init_http
from portalkit.process import start_process
from portalkit.redis_client import accepts_writes, connect
from weather import extensions
from weather.answers import Answers
from weather.api import SLUG_DOC, SlugConverter, blp
from weather.celery_app import celery_config, celery_init_app
from weather.fetcher import Fetcher
from weather.monitoring import WeatherCollector
from weather.settings import Settings

GATEWAY_PREFIX = "/api/weather"  # where the gateway serves this API
SERVICE = "weather"


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app; nothing connects until the first request or task."""
    settings = settings or start_process(SERVICE, Settings.from_env)
    app = flask_app(__name__, settings)
    app.url_map.converters["slug"] = SlugConverter
    app.config["CELERY"] = celery_config(settings)
    client = connect(settings.redis_url)
    fetcher = extensions.weather_fetcher.init_app(app, Fetcher.build(settings, client))
    extensions.weather_answers.init_app(app, Answers())
    celery_init_app(app)
    metrics = init_http(
        app,
        SERVICE,
        ready_checks={"redis": lambda: accepts_writes(client, SERVICE)},
        unavailable=(OperationalError,),
    )
    metrics.register(WeatherCollector(fetcher))
    api = create_api(
        app,
        "Weather API",
        "Current weather of the province's places, fetched on a schedule from the provider.",
        gateway_prefix=GATEWAY_PREFIX,
    )
    api.register_converter(SlugConverter, lambda _converter: SLUG_DOC)
    api.register_blueprint(blp)
    return app
