"""Open-Meteo: the default provider (no key; attribution CC BY 4.0).

We ask for the pressure reduced to mean sea level (``pressure_msl``), and for Celsius
and km/h by name; each value is then converted from the unit the reply states.
"""

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
from weather.providers.units import CELSIUS, HPA, KMH, PERCENT, Convert, UnitError, converter

TIMEZONE = "Asia/Ho_Chi_Minh"
UNITS = {"temperature_unit": "celsius", "wind_speed_unit": "kmh"}
CURRENT_UNITS: dict[str, dict[str, Convert]] = {
    "temperature_2m": CELSIUS,
    "relative_humidity_2m": PERCENT,
    "pressure_msl": HPA,
    "wind_speed_10m": KMH,
}
DAILY_UNITS: dict[str, dict[str, Convert]] = {
    "temperature_2m_max": CELSIUS,
    "temperature_2m_min": CELSIUS,
}
CURRENT = ",".join([*CURRENT_UNITS, "weather_code"])
DAILY = ",".join(DAILY_UNITS)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def in_our_units(values: Any, units: Any, tables: dict[str, dict[str, Convert]]) -> Any:
    """``values`` (a reply's ``current`` or ``daily``) with every number converted from
    the unit ``units`` states for it; UnitError when that unit is unknown or missing."""
    if not isinstance(values, dict):
        return values
    units = units if isinstance(units, dict) else {}
    values = dict(values)
    for name, table in tables.items():
        value = values.get(name)
        numbers = value if isinstance(value, list) else [value]
        if any(_is_number(number) for number in numbers):
            convert = converter(units.get(name), table, name)
            converted = [round(convert(n), 1) if _is_number(n) else n for n in numbers]
            values[name] = converted if isinstance(value, list) else converted[0]
    return values


class CurrentSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    time = ma.fields.String(required=True)
    temperature_2m = Measure(*TEMPERATURE, required_value=True)
    relative_humidity_2m = Measure(*HUMIDITY)
    pressure_msl = Measure(*PRESSURE)
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
    def convert_units(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if not isinstance(data.get("daily"), dict | None):
            data["daily"] = None
        for part, tables in (("current", CURRENT_UNITS), ("daily", DAILY_UNITS)):
            try:
                data[part] = in_our_units(data.get(part), data.get(f"{part}_units"), tables)
            except UnitError as exc:
                raise ma.ValidationError({f"{part}_units": [str(exc)]}) from None
        return data

    @ma.post_load
    def reading(self, data: dict[str, Any], **_: Any) -> Reading:
        current, daily = data["current"], data["daily"] or {}
        return Reading(
            temperature_c=current["temperature_2m"],
            temp_min_c=daily.get("temperature_2m_min"),
            temp_max_c=daily.get("temperature_2m_max"),
            weather_code=current["weather_code"],
            pressure_hpa=current["pressure_msl"],
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
    day_range_from_forecast = False  # its daily min and max span the whole local day

    def __init__(self, url: str, transport: Transport) -> None:
        self.url = url
        self.transport = transport
        self.schema = OpenMeteoReplySchema()

    def params(self, location: Location) -> dict[str, Any]:
        """The query for ``location``: the variables we read, in the units we serve."""
        return {
            "latitude": location.lat,
            "longitude": location.lon,
            "current": CURRENT,
            "daily": DAILY,
            "timezone": TIMEZONE,
            "forecast_days": 1,
            **UNITS,
        }

    def fetch(self, location: Location, *, retry: bool = True) -> Reading:
        reply = self.transport.get_json(self.url, self.params(location), retry=retry)
        if not isinstance(reply, dict):
            raise ProviderReplyInvalid("reply is not a JSON object")
        try:
            return self.schema.load(reply)
        except ma.ValidationError as exc:
            raise ProviderReplyInvalid(f"reply failed validation: {exc.messages}") from None
