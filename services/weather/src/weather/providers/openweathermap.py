"""OpenWeatherMap: the second provider, used when configured with a key.

Asked for metric units: Celsius, and wind in m/s (served in km/h); ``main.pressure``
is at sea level. Its ``temp_min``/``temp_max`` describe the spread across a city right
now, not the day's low and high, so those come from its 3-hourly forecast, which holds
only the slots still to come: the fetcher adds the day's stored readings (day_range.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import marshmallow as ma

from weather.locations import Location
from weather.providers import ATTRIBUTIONS, ProviderError, ProviderReplyInvalid, Reading
from weather.providers.measures import HUMIDITY, PRESSURE, TEMPERATURE, Code, Measure
from weather.providers.openweathermap_conditions import condition_code
from weather.providers.transport import Transport

log = logging.getLogger(__name__)


class MainSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    temp = Measure(*TEMPERATURE, required_value=True)
    pressure = Measure(*PRESSURE)
    humidity = Measure(*HUMIDITY)


class WindSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    speed = Measure(0, 140)


class ConditionSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    id = Code()


class CurrentReplySchema(ma.Schema):
    """The ``/weather`` reply; returns the fields of a :class:`Reading` but the day's range."""

    class Meta:
        unknown = ma.EXCLUDE

    main = ma.fields.Nested(MainSchema, required=True)
    wind = ma.fields.Nested(WindSchema, load_default=None, allow_none=True)
    weather = ma.fields.Raw(load_default=None)
    dt = ma.fields.Integer(strict=True, required=True, validate=ma.validate.Range(min=0))
    timezone = ma.fields.Integer(
        strict=True, load_default=0, allow_none=True, validate=ma.validate.Range(-50400, 50400)
    )

    @ma.pre_load
    def optional_parts(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and not isinstance(data.get("wind"), dict | None):
            data = {**data, "wind": None}
        return data

    @ma.post_load
    def normalize(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        conditions = data["weather"] if isinstance(data["weather"], list) else []
        first = conditions[0] if conditions and isinstance(conditions[0], dict) else {}
        code = ConditionSchema().load(first).get("id")
        speed = (data["wind"] or {}).get("speed")
        zone = timezone(timedelta(seconds=data["timezone"] or 0))
        return {
            "temperature_c": data["main"]["temp"],
            "pressure_hpa": data["main"]["pressure"],
            "humidity_pct": data["main"]["humidity"],
            "wind_kmh": None if speed is None else round(speed * 3.6, 1),
            "weather_code": condition_code(code),
            "observed_at": datetime.fromtimestamp(data["dt"], zone),
        }


class ForecastEntrySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    dt = ma.fields.Integer(strict=True, required=True)
    main = ma.fields.Nested(MainSchema, required=True)


def day_range(reply: Any, day: datetime) -> tuple[float | None, float | None]:
    """Low and high over the forecast slots of ``day``'s local date (those still to come)."""
    entries = reply.get("list") if isinstance(reply, dict) else None
    if not isinstance(entries, list):
        return None, None
    temps = []
    for entry in entries:
        try:
            item = ForecastEntrySchema().load(entry)
        except ma.ValidationError:
            continue
        when = datetime.fromtimestamp(item["dt"], day.tzinfo)
        if when.date() == day.date():
            temps.append(item["main"]["temp"])
    if not temps:
        return None, None
    return min(temps), max(temps)


class OpenWeatherMap:
    name = "openweathermap"
    attribution = ATTRIBUTIONS["openweathermap"]
    day_range_from_forecast = True

    def __init__(self, url: str, api_key: str, transport: Transport) -> None:
        self.url = url
        self.api_key = api_key
        self.transport = transport

    def _params(self, location: Location) -> dict[str, Any]:
        return {"lat": location.lat, "lon": location.lon, "appid": self.api_key, "units": "metric"}

    def fetch(self, location: Location, *, retry: bool = True) -> Reading:
        reply = self.transport.get_json(f"{self.url}/weather", self._params(location), retry=retry)
        if not isinstance(reply, dict):
            raise ProviderReplyInvalid("reply is not a JSON object")
        try:
            current = CurrentReplySchema().load(reply)
        except ma.ValidationError as exc:
            raise ProviderReplyInvalid(f"reply failed validation: {exc.messages}") from None
        observed: datetime = current.pop("observed_at")
        low = high = None
        try:
            forecast = self.transport.get_json(
                f"{self.url}/forecast", self._params(location), retry=False
            )
            low, high = day_range(forecast, observed)
        except ProviderError as exc:
            log.warning("forecast unavailable; no day range", extra={"reason": str(exc)})
        if low is not None and high is not None:
            low = min(low, current["temperature_c"])
            high = max(high, current["temperature_c"])
        return Reading(temp_min_c=low, temp_max_c=high, observed_at=observed.isoformat(), **current)
