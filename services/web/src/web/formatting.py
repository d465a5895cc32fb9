"""How the portal writes dates, counts and the weather, the way Vietnamese portals do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_decimal

from web.i18n import gettext as _

try:
    PORTAL_TZ: timezone | ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
except ZoneInfoNotFoundError:  # an image without tzdata; Vietnam keeps UTC+7 all year
    PORTAL_TZ = timezone(timedelta(hours=7), "ICT")


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time from an API; one without an offset is taken as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def portal_datetime(value: str | datetime | None) -> str:
    """``13/10/2023 13:41:46`` in Asia/Ho_Chi_Minh; empty for no time."""
    moment = parse_time(value) if isinstance(value, str) or value is None else value
    if moment is None:
        return ""
    return moment.astimezone(PORTAL_TZ).strftime("%d/%m/%Y %H:%M:%S")


def machine_datetime(value: str | datetime | None) -> str:
    """``2023-10-13T13:41:46+07:00``: a valid HTML/schema.org time, seconds and offset, no
    microseconds (the APIs give them; ``<time datetime>`` does not take six digits)."""
    moment = parse_time(value) if isinstance(value, str) or value is None else value
    if moment is None:
        return ""
    return moment.astimezone(PORTAL_TZ).replace(microsecond=0).isoformat()


def portal_number(value: int | float, locale: str = "vi") -> str:
    """Thousands grouped as the reader's language does: ``1.799`` (vi), ``1,799`` (en)."""
    return format_decimal(value, locale=locale)


def _degrees(value: float) -> str:
    return f"{round(value)}°C"


@dataclass(frozen=True)
class WeatherText:
    """The weather box's sentences; fields the provider did not give are left out."""

    place: str
    temperature: str | None
    sentences: list[str]
    measured_at: str | None
    stale: bool
    condition: str | None = None  # the sky in a few words, for the one-line weather


def describe_weather(reading: dict[str, Any], locale: str = "vi") -> WeatherText:
    """Turn a weather API reading into sentences, never printing a unit without its number.

    ``15°C. Thấp nhất 13°C, cao nhất 17°C. Trời nhiều mây.`` and then pressure, humidity
    and wind only when each has a value.
    """
    sentences: list[str] = []
    low, high = reading.get("temp_min_c"), reading.get("temp_max_c")
    if low is not None and high is not None:
        sentences.append(
            _("Thấp nhất %(low)s, cao nhất %(high)s.", low=_degrees(low), high=_degrees(high))
        )
    elif low is not None:
        sentences.append(_("Thấp nhất %(low)s.", low=_degrees(low)))
    elif high is not None:
        sentences.append(_("Cao nhất %(high)s.", high=_degrees(high)))
    condition = reading.get("condition") or {}
    text = condition.get("text_en" if locale == "en" else "text_vi") or condition.get("text_vi")
    if text:
        sentences.append(text.rstrip(".") + ".")
    pressure = reading.get("pressure_hpa")
    if pressure is not None:
        sentences.append(
            _("Áp suất không khí %(value)s hPa.", value=portal_number(round(pressure), locale))
        )
    humidity = reading.get("humidity_pct")
    if humidity is not None:
        sentences.append(_("Độ ẩm trung bình %(value)s%%.", value=round(humidity)))
    wind = reading.get("wind_kmh")
    if wind is not None:
        sentences.append(
            _("Tốc độ gió %(value)s km/h.", value=portal_number(round(wind, 1), locale))
        )
    temperature = reading.get("temperature_c")
    location = reading.get("location") or {}
    return WeatherText(
        place=location.get("name") or location.get("slug") or "",
        temperature=_degrees(temperature) if temperature is not None else None,
        sentences=sentences,
        measured_at=portal_datetime(reading.get("observed_at") or reading.get("fetched_at"))
        or None,
        stale=bool(reading.get("stale")),
        condition=text.rstrip(".") if text else None,
    )
