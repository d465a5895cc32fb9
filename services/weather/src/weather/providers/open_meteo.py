"""Open-Meteo: the default provider (no key; attribution CC BY 4.0)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma

from weather.locations import Location
from weather.providers import ATTRIBUTIONS, ProviderReplyInvalid, Reading
from weather.providers.measures import (
    HUMIDITY,
    PRESSURE,
    TEMPERATURE,
    WIND_KMH,
    Code,
    FirstMeasure,
    Measure,
)
from weather.providers.transport import Transport

TIMEZONE = "Asia/Ho_Chi_Minh"
CURRENT = "temperature_2m,relative_humidity_2m,weather_code,surface_pressure,wind_speed_10m"
DAILY = "temperature_2m_max,temperature_2m_min"


class CurrentSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    time = ma.fields.String(required=True)
    temperature_2m = Measure(*TEMPERATURE, required_value=True)
    relative_humidity_2m = Measure(*HUMIDITY)
    surface_pressure = Measure(*PRESSURE)
    wind_speed_10m = Measure(*WIND_KMH)
    weather_code = Code()


class DailySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    temperature_2m_max = FirstMeasure(*TEMPERATURE)
    temperature_2m_min = FirstMeasure(*TEMPERATURE)


class OpenMeteoReplySchema(ma.Schema):
    """A forecast reply with ``current`` and a one-day ``daily``; returns a :class:`Reading`."""

    class Meta:
        unknown = ma.EXCLUDE

    current = ma.fields.Nested(CurrentSchema, required=True)
    daily = ma.fields.Nested(DailySchema, load_default=None, allow_none=True)
    utc_offset_seconds = Measure(-50400, 50400)

    @ma.pre_load
    def optional_parts(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and not isinstance(data.get("daily"), dict | None):
            data = {**data, "daily": None}
        return data

    @ma.post_load
    def reading(self, data: dict[str, Any], **_: Any) -> Reading:
        current, daily = data["current"], data["daily"] or {}
        return Reading(
            temperature_c=current["temperature_2m"],
            temp_min_c=daily.get("temperature_2m_min"),
            temp_max_c=daily.get("temperature_2m_max"),
            weather_code=current["weather_code"],
            pressure_hpa=current["surface_pressure"],
            humidity_pct=current["relative_humidity_2m"],
            wind_kmh=current["wind_speed_10m"],
            observed_at=local_time(current["time"], data["utc_offset_seconds"]),
        )


def local_time(text: str, offset_s: float | None) -> str:
    """Open-Meteo's local ``2026-11-29T14:45`` as ISO 8601 with its offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ma.ValidationError({"current": {"time": ["not an ISO 8601 time"]}}) from None
    if moment.tzinfo is None:
        zone = ZoneInfo(TIMEZONE) if offset_s is None else timezone(timedelta(seconds=offset_s))
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


class OpenMeteo:
    name = "open-meteo"
    attribution = ATTRIBUTIONS["open-meteo"]

    def __init__(self, url: str, transport: Transport) -> None:
        self.url = url
        self.transport = transport
        self.schema = OpenMeteoReplySchema()

    def fetch(self, location: Location, *, retry: bool = True) -> Reading:
        params = {
            "latitude": location.lat,
            "longitude": location.lon,
            "current": CURRENT,
            "daily": DAILY,
            "timezone": TIMEZONE,
            "forecast_days": 1,
        }
        reply = self.transport.get_json(self.url, params, retry=retry)
        if not isinstance(reply, dict):
            raise ProviderReplyInvalid("reply is not a JSON object")
        try:
            return self.schema.load(reply)
        except ma.ValidationError as exc:
            raise ProviderReplyInvalid(f"reply failed validation: {exc.messages}") from None
