"""Open-Meteo replies of every shape: which are kept (with nulls) and which are refused."""

from __future__ import annotations

import pytest

from weather.app import create_app
from weather.extensions import weather_fetcher
from weather.fetcher import Outcome

CURRENT = {"time": "2026-11-29T14:45", "temperature_2m": 15.0, "weather_code": 3}
UNITS = {
    "current_units": {
        "time": "iso8601",
        "temperature_2m": "°C",
        "relative_humidity_2m": "%",
        "pressure_msl": "hPa",
        "wind_speed_10m": "km/h",
        "weather_code": "wmo code",
    },
    "daily_units": {"temperature_2m_max": "°C", "temperature_2m_min": "°C"},
}


@pytest.fixture
def fetcher(make_settings, httpserver):
    app = create_app(make_settings(open_meteo_url=httpserver.url_for("/v1/forecast")))
    return weather_fetcher(app)


@pytest.mark.parametrize(
    "reply",
    [
        [],
        "15",
        {},
        {"current": []},
        {"current": {"temperature_2m": 15.0}},
        {"current": {"time": 1732866300, "temperature_2m": 15.0}},
        {"current": {"time": "yesterday", "temperature_2m": 15.0}},
        {"current": {"time": "2026-11-29T14:45", "temperature_2m": "15"}},
        {"current": {"time": "2026-11-29T14:45", "temperature_2m": None}},
        {"current": {"time": "2026-11-29T14:45", "temperature_2m": 1e308}},
        {"current": {"time": "2026-11-29T14:45", "temperature_2m": True}},
    ],
)
def test_a_reply_without_a_usable_time_and_temperature_is_refused(fetcher, httpserver, reply):
    if isinstance(reply, dict):
        reply = {**UNITS, **reply}
    httpserver.expect_request("/v1/forecast").respond_with_json(reply)

    assert fetcher.fetch("yen-bai") is Outcome.FAILED
    assert fetcher.store.latest("yen-bai") is None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"daily": "none today"}, {"temp_min_c": None, "temp_max_c": None}),
        ({"daily": {"temperature_2m_min": [], "temperature_2m_max": "x"}}, {"temp_min_c": None}),
        (
            {"daily": {"temperature_2m_min": [12.0], "temperature_2m_max": [18]}},
            {"temp_min_c": 12.0, "temp_max_c": 18.0},
        ),
        ({"utc_offset_seconds": "7h"}, {"observed_at": "2026-11-29T14:45:00+07:00"}),
        ({"utc_offset_seconds": 0}, {"observed_at": "2026-11-29T14:45:00+00:00"}),
        ({"current": {**CURRENT, "relative_humidity_2m": 140}}, {"humidity_pct": None}),
        ({"current": {**CURRENT, "pressure_msl": "1012"}}, {"pressure_hpa": None}),
        ({"current": {**CURRENT, "pressure_msl": None}}, {"pressure_hpa": None}),
        ({"current": {**CURRENT, "wind_speed_10m": -3}}, {"wind_kmh": None}),
        ({"current": {**CURRENT, "weather_code": 2.5}}, {"weather_code": None}),
    ],
)
def test_a_usable_reply_keeps_what_it_can_and_nulls_the_rest(fetcher, httpserver, extra, expected):
    httpserver.expect_request("/v1/forecast").respond_with_json(
        {**UNITS, "current": CURRENT, **extra}
    )

    assert fetcher.fetch("yen-bai") is Outcome.STORED
    stored = fetcher.store.latest("yen-bai").reading
    assert stored.temperature_c == 15.0
    assert {key: getattr(stored, key) for key in expected} == expected


@pytest.mark.parametrize(
    "units",
    [
        {},
        {"current_units": "°C"},
        {"current_units": {"temperature_2m": "K"}},
        {"current_units": {**UNITS["current_units"], "wind_speed_10m": "Beaufort"}},
        {**UNITS, "daily_units": {"temperature_2m_max": "K", "temperature_2m_min": "K"}},
    ],
)
def test_a_value_whose_unit_is_unstated_or_unknown_refuses_the_reply(fetcher, httpserver, units):
    current = {**CURRENT, "wind_speed_10m": 7.2}
    daily = {"temperature_2m_min": [12.0], "temperature_2m_max": [18.0]}
    httpserver.expect_request("/v1/forecast").respond_with_json(
        {**units, "current": current, "daily": daily}
    )

    assert fetcher.fetch("yen-bai") is Outcome.FAILED
    assert fetcher.store.latest("yen-bai") is None
