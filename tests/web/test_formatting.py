"""Dates, counts and the weather sentence, written as the portal writes them."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from web.formatting import describe_weather, portal_datetime, portal_number
from web.templating import view_count

FULL_READING = {
    "location": {"slug": "yen-bai", "name": "TP Yên Bái", "lat": 21.7, "lon": 104.87},
    "temperature_c": 15.2,
    "temp_min_c": 13.0,
    "temp_max_c": 17.0,
    "condition": {"code": 3, "text_vi": "Trời nhiều mây", "text_en": "Overcast"},
    "pressure_hpa": 1012.4,
    "humidity_pct": 84,
    "wind_kmh": 7.2,
    "observed_at": "2023-10-13T06:30:00+00:00",
    "fetched_at": "2023-10-13T06:41:00+00:00",
    "stale": False,
    "source": "open-meteo",
}


@pytest.fixture
def vi(app: Flask):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def en(app: Flask):
    with app.test_request_context("/?lang=en"):
        yield


def units_without_number(text: str) -> list[str]:
    """Each unit in ``text`` that does not follow a number."""
    bare = []
    for match in re.finditer(r"hPa|%|km/h|°C", text):
        before = text[: match.start()].rstrip()
        if not before or not before[-1].isdigit():
            bare.append(match.group())
    return bare


def sentence(reading: dict, language: str = "vi") -> str:
    text = describe_weather(reading, language)
    return " ".join([f"{text.temperature}.", *text.sentences])


def test_dates_are_shown_in_vietnam_time_as_day_month_year():
    assert portal_datetime("2023-10-13T06:41:46+00:00") == "13/10/2023 13:41:46"
    assert portal_datetime("2023-10-13T13:41:46+07:00") == "13/10/2023 13:41:46"


def test_a_time_without_offset_is_taken_as_utc_and_midnight_rolls_the_date():
    assert portal_datetime("2023-12-31T20:05:09") == "01/01/2024 03:05:09"
    assert portal_datetime("2023-12-31T20:05:09Z") == "01/01/2024 03:05:09"


def test_no_time_or_a_broken_one_shows_nothing():
    assert portal_datetime(None) == ""
    assert portal_datetime("yesterday") == ""


def test_thousands_use_a_dot_in_vietnamese_and_a_comma_in_english():
    assert portal_number(1799, "vi") == "1.799"
    assert portal_number(1234567, "vi") == "1.234.567"
    assert portal_number(1799, "en") == "1,799"
    assert portal_number(7, "vi") == "7"


def test_view_count_reads_like_the_portal(vi):
    assert view_count(1799) == "1.799 lượt xem"
    assert view_count(0) == "0 lượt xem"


def test_view_count_in_english(en):
    assert view_count(1799) == "1,799 views"
    assert view_count(1) == "1 view"


def test_full_reading_gives_every_sentence(vi):
    assert sentence(FULL_READING) == (
        "15°C. Thấp nhất 13°C, cao nhất 17°C. Trời nhiều mây. "
        "Áp suất không khí 1.012 hPa. Độ ẩm trung bình 84%. Tốc độ gió 7,2 km/h."
    )


def test_missing_pressure_humidity_and_wind_leave_no_unit_behind(vi):
    reading = {**FULL_READING, "pressure_hpa": None, "humidity_pct": None, "wind_kmh": None}
    text = sentence(reading)
    assert text == "15°C. Thấp nhất 13°C, cao nhất 17°C. Trời nhiều mây."
    for unit in ("hPa", "%", "km/h"):
        assert unit not in text


def test_the_unit_check_catches_the_old_portal_box():
    old = "15°C. Áp suất không khí hPa. Độ ẩm trung bình %. Tốc độ gió km/h"
    assert units_without_number(old) == ["hPa", "%", "km/h"]


def test_no_unit_ever_follows_a_missing_number(vi):
    for field in ("pressure_hpa", "humidity_pct", "wind_kmh", "temp_min_c", "temp_max_c"):
        text = sentence({**FULL_READING, field: None})
        assert units_without_number(text) == [], (field, text)


def test_only_a_low_or_only_a_high_is_said_alone(vi):
    assert "Thấp nhất 13°C." in sentence({**FULL_READING, "temp_max_c": None})
    assert "Cao nhất 17°C." in sentence({**FULL_READING, "temp_min_c": None})


def test_weather_in_english_uses_the_english_condition(en):
    text = sentence(FULL_READING, "en")
    assert text.startswith("15°C. Low 13°C, high 17°C. Overcast.")
    assert "Wind speed 7.2 km/h." in text


def test_stale_reading_keeps_when_it_was_measured(vi):
    text = describe_weather({**FULL_READING, "stale": True})
    assert text.stale
    assert text.measured_at == "13/10/2023 13:30:00"
