"""OpenWeatherMap as the provider: km/h from m/s, the whole day's low and high, and a
condition with both texts for every documented condition id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests

from weather.app import create_app
from weather.conditions import condition_for
from weather.extensions import weather_fetcher
from weather.fetcher import Outcome
from weather.providers.openweathermap_conditions import OWM_TO_CODE, condition_code

HANOI = timezone(timedelta(hours=7))


def local(hour: int, day: int = 29) -> float:
    """Epoch seconds of ``hour``:00 on November ``day``, 2026, in Yên Bái."""
    return datetime(2026, 11, day, hour, tzinfo=HANOI).timestamp()


@pytest.fixture
def owm_app(make_settings, provider):
    settings = make_settings(
        weather_provider="openweathermap",
        openweathermap_url=provider.owm_url,
        openweathermap_api_key="test-key-123",
    )
    return create_app(settings)


@pytest.fixture
def owm(owm_app):
    return weather_fetcher(owm_app)


def test_a_reading_is_served_with_wind_in_kmh_and_the_day_range_from_the_forecast(
    owm_app, owm, provider
):
    forecast = [12.5, 11.8, 14.0, 18.5, 19.1, 16.0, 14.2, 40.0]  # 07:00 ... 22:00, then tomorrow
    provider.set(
        "ok",
        now=local(6),
        temperature=15.2,
        wind=9.0,
        pressure=1013,
        humidity=82,
        owm_id=804,
        forecast=forecast,
    )

    assert owm.fetch("yen-bai") is Outcome.STORED
    body = owm_app.test_client().get("/v1/weather/yen-bai").json

    assert body["wind_kmh"] == 9.0
    assert (body["temp_min_c"], body["temp_max_c"]) == (11.8, 19.1)
    assert body["temperature_c"] == 15.2
    assert (body["pressure_hpa"], body["humidity_pct"]) == (1013, 82)
    assert body["condition"]["text_en"] == "Overcast"
    assert body["observed_at"] == "2026-11-29T06:00:00+07:00"
    assert body["source"] == "openweathermap"


def test_at_eight_in_the_evening_the_day_range_includes_the_mornings_stored_readings(
    owm_app, owm, provider
):
    day = [(local(23, day=28), 5.0), (local(5), 9.0), (local(9), 12.0), (local(14), 21.0)]
    for moment, temperature in day:
        provider.set("ok", now=moment, temperature=temperature, low=8.0, high=22.0)
        assert owm.fetch("yen-bai", force=True) is Outcome.STORED

    provider.set("ok", now=local(20), temperature=16.0, forecast=[14.0, 13.0, 12.0])
    assert owm.fetch("yen-bai", force=True) is Outcome.STORED
    body = owm_app.test_client().get("/v1/weather/yen-bai").json

    assert body["observed_at"] == "2026-11-29T20:00:00+07:00"
    assert (body["temp_min_c"], body["temp_max_c"]) == (9.0, 21.0)


def test_the_forecast_starts_at_the_next_three_hour_slot(owm, provider):
    provider.set("ok", now=local(20) + 60)

    reply = owm.provider.transport.get_json(
        f"{provider.owm_url}/forecast", owm.provider._params(owm.settings.location("yen-bai"))
    )

    first = datetime.fromtimestamp(reply["list"][0]["dt"], HANOI)
    assert first == datetime(2026, 11, 29, 22, tzinfo=HANOI)
    assert len(reply["list"]) == 40


def test_without_its_forecast_the_day_range_is_null_not_its_temp_min_max(
    make_settings, provider, httpserver
):
    provider.set("ok", temperature=15.2)
    current = requests.get(
        f"{provider.owm_url}/weather",
        params={"lat": 21.7, "lon": 104.87, "appid": "k", "units": "metric"},
        timeout=5,
    ).json()
    current["main"].update(pressure="?")
    del current["main"]["humidity"]
    httpserver.expect_request("/data/2.5/weather").respond_with_json(current)
    httpserver.expect_request("/data/2.5/forecast").respond_with_data("busy", status=503)
    app = create_app(
        make_settings(
            weather_provider="openweathermap",
            openweathermap_url=httpserver.url_for("/data/2.5"),
            openweathermap_api_key="test-key-123",
        )
    )

    assert weather_fetcher(app).fetch("yen-bai") is Outcome.STORED
    body = app.test_client().get("/v1/weather/yen-bai").json

    assert (body["temp_min_c"], body["temp_max_c"]) == (None, None)
    assert (body["pressure_hpa"], body["humidity_pct"]) == (None, None)
    assert body["temperature_c"] == 15.2


CONDITION_IDS = {
    200: 95, 201: 95, 202: 95, 210: 95, 211: 95, 212: 95, 221: 95, 230: 95, 231: 95, 232: 95,
    300: 51, 301: 53, 302: 55, 310: 58, 311: 59, 312: 59, 313: 81, 314: 82, 321: 80,
    500: 61, 501: 63, 502: 65, 503: 65, 504: 65, 511: 66, 520: 80, 521: 81, 522: 82, 531: 81,
    600: 71, 601: 73, 602: 75, 611: 69, 612: 83, 613: 84, 615: 68, 616: 69, 620: 85, 621: 86,
    622: 86,
    701: 10, 711: 4, 721: 5, 731: 8, 741: 45, 751: 7, 761: 6, 762: 104, 771: 18, 781: 19,
    800: 0, 801: 1, 802: 1, 803: 2, 804: 3,
}  # fmt: skip
"""Every condition id of openweathermap.org/weather-conditions and the code it becomes."""


@pytest.mark.parametrize(("owm_id", "code"), sorted(CONDITION_IDS.items()))
def test_every_documented_condition_id_has_a_condition_with_both_texts(owm_id, code):
    condition = condition_for(condition_code(owm_id))

    assert condition is not None and condition.code == code
    assert condition.text_vi.strip() and condition.text_en.strip()


def test_the_table_covers_exactly_the_documented_ids():
    assert OWM_TO_CODE == CONDITION_IDS
    assert condition_code(999) is None and condition_code(None) is None


@pytest.mark.parametrize(
    ("owm_id", "text_en"),
    [
        (721, "Haze"),
        (711, "Smoke"),
        (761, "Dust"),
        (751, "Blowing dust or sand"),
        (762, "Volcanic ash"),
        (771, "Squalls"),
        (781, "Tornado"),
        (611, "Rain and snow"),
        (616, "Rain and snow"),
        (615, "Light rain and snow"),
        (300, "Light drizzle"),
        (301, "Moderate drizzle"),
        (302, "Dense drizzle"),
        (531, "Moderate rain showers"),
        (803, "Partly cloudy"),
    ],
)
def test_conditions_that_were_lumped_together_now_read_as_what_they_are(owm_id, text_en):
    assert condition_for(condition_code(owm_id)).text_en == text_en
