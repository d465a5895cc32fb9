"""OpenWeatherMap as the provider: km/h from m/s, the day's range from its forecast."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from weather import create_app
from weather.fetcher import Outcome
from weather.providers.openweathermap import wmo_code

HANOI_OFFSET = 7 * 3600


def current_reply(now: int, **main) -> dict:
    return {
        "coord": {"lon": 104.87, "lat": 21.7},
        "weather": [{"id": 804, "main": "Clouds", "description": "overcast clouds"}],
        "main": {
            "temp": 15.2,
            "feels_like": 14.8,
            "temp_min": 14.9,
            "temp_max": 15.6,
            "pressure": 1013,
            "humidity": 82,
            **main,
        },
        "wind": {"speed": 2.5, "deg": 40},
        "dt": now,
        "timezone": HANOI_OFFSET,
        "name": "Yên Bái",
        "cod": 200,
    }


def forecast_reply(now: int, temps: list[float]) -> dict:
    local_midnight = datetime.fromtimestamp(now + HANOI_OFFSET, UTC).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) - timedelta(seconds=HANOI_OFFSET)
    start = int(local_midnight.timestamp())
    entries = [
        {"dt": start + 3 * 3600 * i, "main": {"temp": temp, "temp_min": temp, "temp_max": temp}}
        for i, temp in enumerate(temps)
    ]
    entries.append({"dt": start + 86400 + 3600, "main": {"temp": 40.0}})  # tomorrow
    return {"cod": "200", "list": entries, "city": {"timezone": HANOI_OFFSET}}


@pytest.fixture
def owm_app(make_settings, httpserver):
    settings = make_settings(
        weather_provider="openweathermap",
        openweathermap_url=httpserver.url_for("/data/2.5"),
        openweathermap_api_key="test-key-123",
    )
    return create_app(settings)


def test_a_reading_is_served_with_wind_in_kmh_and_the_day_range_from_the_forecast(
    owm_app, httpserver
):
    now = int(datetime.now(UTC).timestamp())
    httpserver.expect_request(
        "/data/2.5/weather",
        query_string={"lat": "21.7", "lon": "104.87", "appid": "test-key-123", "units": "metric"},
    ).respond_with_json(current_reply(now))
    httpserver.expect_request("/data/2.5/forecast").respond_with_json(
        forecast_reply(now, [12.5, 11.8, 14.0, 18.5, 19.1, 16.0, 14.2, 13.0])
    )

    assert owm_app.extensions["weather"].fetch("yen-bai") is Outcome.STORED
    body = owm_app.test_client().get("/v1/weather/yen-bai").json

    assert body["wind_kmh"] == 9.0
    assert (body["temp_min_c"], body["temp_max_c"]) == (11.8, 19.1)
    assert body["temperature_c"] == 15.2
    assert (body["pressure_hpa"], body["humidity_pct"]) == (1013, 82)
    assert body["condition"]["text_en"] == "Overcast"
    assert body["observed_at"].endswith("+07:00")
    assert body["source"] == "openweathermap"


def test_without_its_forecast_the_day_range_is_null_not_its_temp_min_max(owm_app, httpserver):
    now = int(datetime.now(UTC).timestamp())
    httpserver.expect_request("/data/2.5/weather").respond_with_json(
        current_reply(now, pressure="?", humidity=None)
    )
    httpserver.expect_request("/data/2.5/forecast").respond_with_data("busy", status=503)

    assert owm_app.extensions["weather"].fetch("yen-bai") is Outcome.STORED
    body = owm_app.test_client().get("/v1/weather/yen-bai").json

    assert (body["temp_min_c"], body["temp_max_c"]) == (None, None)
    assert (body["pressure_hpa"], body["humidity_pct"]) == (None, None)
    assert body["temperature_c"] == 15.2


def test_its_condition_ids_map_to_wmo_codes():
    assert [wmo_code(i) for i in (800, 801, 802, 803, 804, 500, 502, 211, 741, 999)] == [
        0,
        1,
        2,
        3,
        3,
        61,
        65,
        95,
        45,
        None,
    ]
