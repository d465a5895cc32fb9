"""Fixtures of the security suite: each API in-process on real Redis (and SQLite for
articles), with data in it, so fuzzing and abuse reach the code behind the validation.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from security_kit import API_TOKEN, BROWSER

from articles import extensions as articles_extensions
from articles.db import Database
from articles.manage import upgrade
from articles.settings import Settings as ArticlesSettings
from counter.consumer import build_consumer
from counter.settings import Settings as CounterSettings
from portalkit.events import ArticlePublished
from portalkit.redis_client import connect
from portalkit.streams import EventBus
from support.provider import FakeProvider
from support.servers import RedisServer
from support.stack import Stack
from weather.extensions import weather_fetcher
from weather.settings import Settings as WeatherSettings
from web.settings import Settings as WebSettings

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
CATEGORIES = [("tin-trong-tinh", "Tin trong tỉnh", None), ("kinh-te", "Kinh tế", "tin-trong-tinh")]


@pytest.fixture
def articles_app(tmp_path, redis_url) -> Iterator[Flask]:
    """The articles API on a migrated SQLite file, with two categories and two articles."""
    from articles.app import create_app

    url = f"sqlite:///{tmp_path / 'articles.db'}"
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    app = create_app(
        ArticlesSettings(
            database_url=url,
            redis_url=redis_url,
            api_tokens={API_TOKEN: "editor"},
            log_level="WARNING",
        )
    )
    app.config["TESTING"] = True
    client = app.test_client()
    for slug, name, parent in CATEGORIES:
        body = {"slug": slug, "name": name, **({"parent": parent} if parent else {})}
        assert client.post("/v1/categories", json=body, headers=AUTH).status_code == 201
    for title in ("Yên Bái: Sơ kết nông thôn mới", "Mù Cang Chải mùa lúa chín"):
        body = {"title": title, "category": "kinh-te", "status": "published"}
        assert client.post("/v1/articles", json=body, headers=AUTH).status_code == 201
    yield app
    articles_extensions.database(app).dispose()


@pytest.fixture
def counter_settings(redis_url) -> CounterSettings:
    return CounterSettings(
        redis_url=redis_url,
        api_tokens={API_TOKEN: "shipper"},
        salt_secret="security-suite-salt",
    )


def publish_to_counter(settings: CounterSettings, *article_ids: int) -> None:
    """Announce publications and let the counter's own consumer apply them."""
    bus = EventBus(connect(settings.redis_url))
    for article_id in article_ids:
        bus.publish(ArticlePublished(article_id=article_id, slug=f"bai-{article_id}", status="p"))
    consumer = build_consumer(settings, block_ms=10)
    consumer.ensure_group()
    while consumer.poll():
        pass


@pytest.fixture
def make_counter_app(counter_settings):
    from counter.app import create_app

    def make(**changes) -> Flask:
        values = {**vars(counter_settings), **changes}
        app = create_app(CounterSettings(**values))
        app.config["TESTING"] = True
        return app

    publish_to_counter(counter_settings, 1, 2, 3, 42)
    return make


@pytest.fixture
def counter_app(make_counter_app) -> Flask:
    return make_counter_app()


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    yield server
    server.stop()


@pytest.fixture
def weather_app(redis_url, provider) -> Flask:
    """The weather API with a reading of every place fetched from the local provider."""
    from weather.app import create_app

    app = create_app(
        WeatherSettings(
            redis_url=redis_url,
            api_tokens={API_TOKEN: "editor"},
            open_meteo_url=provider.url,
            weather_connect_timeout_s=0.5,
            weather_read_timeout_s=0.5,
            weather_retries=0,
            log_level="WARNING",
        )
    )
    app.config["TESTING"] = True
    fetcher = weather_fetcher(app)
    for place in fetcher.settings.weather_locations:
        fetcher.fetch(place.slug, force=True)
    return app


@pytest.fixture
def apis(articles_app, counter_app, weather_app) -> dict[str, Flask]:
    return {"articles": articles_app, "counter": counter_app, "weather": weather_app}


@pytest.fixture
def browser_headers() -> dict[str, str]:
    return {"User-Agent": BROWSER}


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[tuple[Stack, Flask]]:
    """The articles API as its Procfile process (SQLite) and the web app in-process over it.

    The counter and weather are left down (a bound, closed port): the pages render
    without their parts, which is the web's documented behaviour.
    """
    from web.app import create_app

    redis_server = RedisServer().start()
    stack = Stack(tmp_path_factory.mktemp("portal"), redis_server.url)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    try:
        stack.migrate()
        stack.start("articles")
        for slug, name, parent in CATEGORIES:
            body = {"slug": slug, "name": name, **({"parent": parent} if parent else {})}
            reply = requests.post(
                stack.url("articles") + "/v1/categories", json=body, headers=stack.auth
            )
            assert reply.status_code == 201, reply.text
        app = create_app(
            WebSettings(
                redis_url=redis_server.url,
                articles_url=stack.url("articles"),
                counter_url=nowhere,
                weather_url=nowhere,
                article_cache_s=0,
                list_cache_s=0,
                page_cache_s=0,
            )
        )
        app.config["TESTING"] = True
        yield stack, app
    finally:
        stack.close()
        closed.close()
        redis_server.cleanup()
