"""The weather service: the API process; worker and beat load the same app (make_celery)."""

from __future__ import annotations

from flask import Flask
from kombu.exceptions import OperationalError

from portalkit.api import create_api
from portalkit.config import as_dict, load_or_exit
from portalkit.http import init_http
from portalkit.logging import configure_logging
from portalkit.redis_client import connect, ping
from weather.api import SLUG_DOC, SlugConverter, blp
from weather.celery_app import celery_config, celery_init_app
from weather.fetcher import Fetcher
from weather.monitoring import WeatherCollector
from weather.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    if settings is None:
        settings = load_or_exit(Settings.from_env)
        configure_logging("weather", settings.log_level)
    app = Flask(__name__)
    app.config.update(as_dict(settings))
    app.url_map.converters["slug"] = SlugConverter
    app.config["CELERY"] = celery_config(settings)
    client = connect(settings.redis_url)
    app.extensions["weather"] = Fetcher.build(settings, client)
    celery_init_app(app)
    metrics = init_http(
        app,
        "weather",
        ready_checks={"redis": lambda: ping(client)},
        unavailable=(OperationalError,),
    )
    metrics.register(WeatherCollector(app.extensions["weather"]))
    api = create_api(
        app,
        "Weather API",
        "Current weather of the province's places, fetched on a schedule from the provider.",
    )
    api.register_converter(SlugConverter, lambda _converter: SLUG_DOC)
    api.register_blueprint(blp)
    return app
