"""Pressure and units as readers understand them: sea-level pressure for every place,
values converted from the unit the provider states, and a request the provider refuses
when it names a variable or unit it does not know."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from articles.app import create_app as create_articles_app
from articles.db import Database
from articles.extensions import database as articles_database
from articles.manage import upgrade
from articles.settings import Settings as ArticlesSettings
from weather.fetcher import Outcome
from weather.locations import DEFAULT_LOCATIONS
from weather.providers import ProviderReplyInvalid
from web.app import create_app as create_web_app
from web.settings import Settings as WebSettings

MU_CANG_CHAI = next(place for place in DEFAULT_LOCATIONS if place.slug == "mu-cang-chai")


@contextlib.contextmanager
def serve(app: Flask) -> Iterator[str]:
    """``app`` over HTTP on a free port, for as long as the context lasts."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def web(redis_url, tmp_path, app):
    """The web front in-process over the weather app and an empty articles service."""
    database_url = f"sqlite:///{tmp_path / 'articles.db'}"
    database = Database(database_url)
    upgrade(database.engine)
    database.dispose()
    articles = create_articles_app(ArticlesSettings(database_url=database_url, redis_url=redis_url))
    closed = socket.socket()  # the counter is not needed: a port nothing answers on
    closed.bind(("127.0.0.1", 0))
    with contextlib.ExitStack() as running:
        web_app = create_web_app(
            WebSettings(
                redis_url=redis_url,
                articles_url=running.enter_context(serve(articles)),
                counter_url=f"http://127.0.0.1:{closed.getsockname()[1]}",
                weather_url=running.enter_context(serve(app)),
                weather_cache_s=0,
                page_cache_s=0,
            )
        )
        web_app.config["TESTING"] = True
        yield web_app.test_client()
    closed.close()
    articles_database(articles).dispose()


def test_a_highland_place_shows_sea_level_pressure_in_the_api_and_on_the_page(
    client, fetcher, provider, web
):
    provider.set("ok", pressure=1012.0)
    reply = requests.get(
        provider.url,
        params={
            "latitude": MU_CANG_CHAI.lat,
            "longitude": MU_CANG_CHAI.lon,
            "current": "surface_pressure,pressure_msl",
        },
        timeout=5,
    ).json()
    assert reply["current"]["pressure_msl"] == 1012.0
    assert reply["current"]["surface_pressure"] == pytest.approx(905, abs=2)

    assert fetcher.fetch("mu-cang-chai") is Outcome.STORED

    assert client.get("/v1/weather/mu-cang-chai").json["pressure_hpa"] == 1012.0
    page = web.get("/?place=mu-cang-chai").get_data(as_text=True)
    assert "Áp suất không khí 1.012 hPa." in page
    assert "905 hPa" not in page


def test_the_api_document_says_which_pressure_it_serves(client):
    schema = client.get("/openapi.json").json["components"]["schemas"]["Weather"]

    assert "mean sea level" in schema["properties"]["pressure_hpa"]["description"]


@pytest.mark.parametrize(
    ("reply_units", "expected"),
    [
        ({"wind_speed_10m": "m/s"}, {"wind_kmh": 7.2}),
        ({"wind_speed_10m": "kn"}, {"wind_kmh": 7.2}),
        ({"wind_speed_10m": "mp/h"}, {"wind_kmh": 7.2}),
        (
            {"temperature_2m": "°F", "temperature_2m_min": "°F", "temperature_2m_max": "°F"},
            {"temperature_c": 15.0, "temp_min_c": 13.0, "temp_max_c": 17.0},
        ),
    ],
)
def test_a_reply_in_other_units_is_converted_from_the_unit_it_states(
    client, fetcher, provider, reply_units, expected
):
    provider.set("ok", reply_units=reply_units)

    assert fetcher.fetch("yen-bai") is Outcome.STORED
    body = client.get("/v1/weather/yen-bai").json

    assert {key: pytest.approx(body[key], abs=0.1) for key in expected} == expected


def test_a_reply_in_a_unit_we_do_not_know_is_refused_and_the_last_good_value_stays(
    client, fetcher, provider
):
    provider.set("ok", wind=7.2)
    fetcher.fetch("yen-bai", force=True)
    provider.set("ok", wind=2.0, reply_units={"wind_speed_10m": "Beaufort"})

    assert fetcher.fetch("yen-bai", force=True) is Outcome.FAILED
    assert client.get("/v1/weather/yen-bai").json["wind_kmh"] == 7.2


def test_we_ask_for_celsius_and_kmh_by_name(fetcher):
    params = fetcher.provider.params(MU_CANG_CHAI)

    assert (params["temperature_unit"], params["wind_speed_unit"]) == ("celsius", "kmh")
    assert "pressure_msl" in params["current"].split(",")
    assert "surface_pressure" not in params["current"].split(",")


def test_a_misspelt_variable_is_refused_by_the_provider_as_it_would_be_in_production(
    fetcher, provider
):
    params = fetcher.provider.params(MU_CANG_CHAI)
    params["current"] = params["current"].replace("pressure_msl", "presure_msl")

    with pytest.raises(ProviderReplyInvalid, match=r"HTTP 400: .*presure_msl"):
        fetcher.provider.transport.get_json(provider.url, params)


def test_an_unknown_unit_is_refused_by_the_provider(fetcher, provider):
    params = {**fetcher.provider.params(MU_CANG_CHAI), "wind_speed_unit": "kph"}

    reply = requests.get(provider.url, params=params, timeout=5)

    assert reply.status_code == 400
    assert reply.json()["error"] is True and "kph" in reply.json()["reason"]
