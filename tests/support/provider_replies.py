"""What Open-Meteo and OpenWeatherMap answer, built from one description of the weather.

Shaped after the providers' documentation where it matters to the weather service:
only the variables asked for, in the units asked for and stated in ``current_units``;
400 with a reason for a variable or unit Open-Meteo does not know; ``null`` for a value
it has not got; sea-level and surface pressure apart by the place's elevation;
OpenWeatherMap's metric/imperial/standard units and a 3-hourly forecast that starts
at the next slot after now.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HANOI = 7 * 3600

ELEVATIONS_M = {
    (21.70, 104.87): 45.0,  # Yên Bái city, on the Red River
    (21.76, 104.82): 60.0,
    (21.56, 104.59): 250.0,
    (21.47, 104.38): 1000.0,  # Trạm Tấu
    (21.83, 104.17): 930.0,  # Mù Cang Chải
    (21.60, 104.51): 270.0,
    (22.11, 104.77): 110.0,
    (21.88, 104.69): 80.0,
    (21.73, 104.96): 60.0,
}
"""Roughly the elevation Open-Meteo reports for the province's places."""

OPEN_METEO_CURRENT = {
    "temperature_2m": "temperature",
    "relative_humidity_2m": "%",
    "apparent_temperature": "temperature",
    "dew_point_2m": "temperature",
    "is_day": "",
    "precipitation": "mm",
    "rain": "mm",
    "showers": "mm",
    "snowfall": "cm",
    "weather_code": "wmo code",
    "cloud_cover": "%",
    "pressure_msl": "hPa",
    "surface_pressure": "hPa",
    "wind_speed_10m": "speed",
    "wind_direction_10m": "°",
    "wind_gusts_10m": "speed",
    "visibility": "m",
    "uv_index": "",
}
"""Open-Meteo's ``current`` variables (a subset of its list) and their units."""

OPEN_METEO_DAILY = {
    "temperature_2m_max": "temperature",
    "temperature_2m_min": "temperature",
    "apparent_temperature_max": "temperature",
    "apparent_temperature_min": "temperature",
    "weather_code": "wmo code",
    "precipitation_sum": "mm",
    "wind_speed_10m_max": "speed",
    "uv_index_max": "",
}

TEMPERATURE_UNITS = {"celsius": "°C", "fahrenheit": "°F"}
SPEED_UNITS = {"kmh": "km/h", "ms": "m/s", "mph": "mp/h", "kn": "kn"}
SPEED_FROM_KMH = {"km/h": 1.0, "m/s": 1 / 3.6, "mp/h": 1 / 1.609344, "kn": 1 / 1.852}

OWM_MAIN = {
    200: "Thunderstorm",
    300: "Drizzle",
    500: "Rain",
    600: "Snow",
    700: "Atmosphere",
    800: "Clear",
}


class BadRequest(ValueError):
    """What Open-Meteo answers 400 to; the message is its ``reason``."""


@dataclass(frozen=True)
class Weather:
    """The weather the stand-in reports, in °C, km/h and sea-level hPa.

    A measure that is None is one the provider has not got (``null`` in Open-Meteo's
    reply, absent from OpenWeatherMap's). ``now`` (epoch seconds) fixes the provider's
    clock; ``forecast`` gives the temperatures of OpenWeatherMap's forecast slots.
    """

    temperature: Any = 15.0
    low: Any = 13.0
    high: Any = 17.0
    code: Any = 3
    owm_id: int = 804
    pressure: Any = 1012.4
    humidity: Any = 84
    wind: Any = 7.2
    elevation: float | None = None
    now: float | None = None
    forecast: list[float] = field(default_factory=list)
    reply_units: dict[str, str] = field(default_factory=dict)

    def missing(self) -> Weather:
        return replace(self, pressure=None, humidity=None, wind=None)

    def clock(self) -> float:
        return time.time() if self.now is None else self.now


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scaled(value: Any, factor: float = 1.0, offset: float = 0.0) -> Any:
    """A number in another unit (rounded as providers round); anything else unchanged."""
    return round(value * factor + offset, 1) if _number(value) else value


def surface_pressure(sea_level_hpa: Any, elevation_m: float) -> Any:
    """Pressure at the ground of a place ``elevation_m`` up (the standard atmosphere)."""
    if not _number(sea_level_hpa):
        return sea_level_hpa
    return round(sea_level_hpa * (1 - 2.25577e-5 * elevation_m) ** 5.25588, 1)


def elevation_of(lat: float, lon: float, weather: Weather) -> float:
    if weather.elevation is not None:
        return weather.elevation
    return ELEVATIONS_M.get((round(lat, 2), round(lon, 2)), 0.0)


# --- Open-Meteo ------------------------------------------------------------------------


def _variables(query: dict[str, str], key: str, known: dict[str, str]) -> list[str]:
    names = [name for name in query.get(key, "").split(",") if name]
    for name in names:
        if name not in known:
            raise BadRequest(
                f"Cannot initialize WeatherVariable from invalid String value {name} for key {key}"
            )
    return names


def _choice(query: dict[str, str], key: str, options: dict[str, str], default: str) -> str:
    value = query.get(key, default)
    if value not in options:
        raise BadRequest(f"Cannot initialize {key} from invalid String value {value}")
    return options[value]


def _zone(name: str) -> timezone | ZoneInfo:
    if name in ("", "GMT", "UTC"):
        return UTC
    if name == "auto":
        return timezone(timedelta(seconds=HANOI))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"Invalid timezone {name}") from None


def _coordinate(query: dict[str, str], key: str, limit: float) -> float:
    try:
        value = float(query[key])
    except (KeyError, ValueError):
        raise BadRequest(f"Parameter '{key}' is required and must be a number") from None
    if not -limit <= value <= limit:
        raise BadRequest(f"{key.capitalize()} must be in range of -{limit} to {limit}°.")
    return value


def open_meteo_reply(query: dict[str, str], weather: Weather) -> dict[str, Any]:
    """Open-Meteo's ``/v1/forecast`` answer to ``query``; BadRequest for what it refuses."""
    lat, lon = _coordinate(query, "latitude", 90), _coordinate(query, "longitude", 180)
    current = _variables(query, "current", OPEN_METEO_CURRENT)
    daily = _variables(query, "daily", OPEN_METEO_DAILY)
    units = {
        "temperature": _choice(query, "temperature_unit", TEMPERATURE_UNITS, "celsius"),
        "speed": _choice(query, "wind_speed_unit", SPEED_UNITS, "kmh"),
    }
    days = query.get("forecast_days", "7")
    if not days.isdigit() or int(days) > 16:
        raise BadRequest("Forecast days is invalid. Allowed range 0 to 16.")
    zone = _zone(query.get("timezone", "GMT"))
    now = datetime.fromtimestamp(weather.clock(), zone)
    elevation = elevation_of(lat, lon, weather)
    values = {
        "temperature_2m": weather.temperature,
        "relative_humidity_2m": weather.humidity,
        "weather_code": weather.code,
        "pressure_msl": weather.pressure,
        "surface_pressure": surface_pressure(weather.pressure, elevation),
        "wind_speed_10m": weather.wind,
        "temperature_2m_max": weather.high,
        "temperature_2m_min": weather.low,
    }
    reply: dict[str, Any] = {
        "latitude": lat,
        "longitude": lon,
        "generationtime_ms": 0.05,
        "utc_offset_seconds": int(now.utcoffset().total_seconds()),
        "timezone": query.get("timezone", "GMT"),
        "timezone_abbreviation": now.strftime("%Z") or "GMT",
        "elevation": elevation,
    }
    if current:
        quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
        reply["current_units"] = {"time": "iso8601", "interval": "seconds"}
        reply["current"] = {"time": quarter.strftime("%Y-%m-%dT%H:%M"), "interval": 900}
        for name in current:
            unit = _unit(OPEN_METEO_CURRENT[name], units, weather.reply_units.get(name))
            reply["current_units"][name] = unit
            reply["current"][name] = _in_unit(values.get(name), unit)
    if daily:
        reply["daily_units"] = {"time": "iso8601"}
        reply["daily"] = {"time": [now.strftime("%Y-%m-%d")]}
        for name in daily:
            unit = _unit(OPEN_METEO_DAILY[name], units, weather.reply_units.get(name))
            reply["daily_units"][name] = unit
            reply["daily"][name] = [_in_unit(values.get(name), unit)]
    return reply


def _unit(kind: str, asked: dict[str, str], forced: str | None) -> str:
    return forced or asked.get(kind, kind)


def _in_unit(value: Any, unit: str) -> Any:
    """A value kept in °C and km/h, in the unit the reply states."""
    if unit == "°F":
        return _scaled(value, 9 / 5, 32)
    return _scaled(value, SPEED_FROM_KMH.get(unit, 1.0))


# --- OpenWeatherMap --------------------------------------------------------------------


def _owm_units(query: dict[str, str]) -> tuple[float, float, float]:
    """(temperature factor, offset, speed factor from km/h) for OWM's ``units``."""
    units = query.get("units", "standard")
    if units == "metric":
        return 1.0, 0.0, SPEED_FROM_KMH["m/s"]
    if units == "imperial":
        return 9 / 5, 32.0, SPEED_FROM_KMH["mp/h"]
    return 1.0, 273.15, SPEED_FROM_KMH["m/s"]


def _owm_main(weather: Weather, temperature: Any, query: dict[str, str], lat: float, lon: float):
    factor, offset, _speed = _owm_units(query)
    main = {
        "temp": _scaled(temperature, factor, offset),
        "feels_like": _scaled(temperature, factor, offset),
        "temp_min": _scaled(temperature, factor, offset - 0.3),
        "temp_max": _scaled(temperature, factor, offset + 0.3),
    }
    if weather.pressure is not None:
        main["pressure"] = weather.pressure
        main["sea_level"] = weather.pressure
        main["grnd_level"] = surface_pressure(weather.pressure, elevation_of(lat, lon, weather))
    if weather.humidity is not None:
        main["humidity"] = weather.humidity
    return main


def _owm_condition(owm_id: int) -> dict[str, Any]:
    group = OWM_MAIN.get(owm_id // 100 * 100, "Clouds" if owm_id > 800 else "Clear")
    return {"id": owm_id, "main": group, "description": group.lower(), "icon": "04d"}


def openweathermap_current(query: dict[str, str], weather: Weather) -> dict[str, Any]:
    """``/data/2.5/weather``: now, in the ``units`` asked for (standard: Kelvin)."""
    lat, lon = float(query.get("lat", 0)), float(query.get("lon", 0))
    reply: dict[str, Any] = {
        "coord": {"lon": lon, "lat": lat},
        "weather": [_owm_condition(weather.owm_id)],
        "base": "stations",
        "main": _owm_main(weather, weather.temperature, query, lat, lon),
        "visibility": 10000,
        "dt": int(weather.clock()) // 600 * 600,
        "timezone": HANOI,
        "name": "Yên Bái",
        "cod": 200,
    }
    if weather.wind is not None:
        reply["wind"] = {"speed": _scaled(weather.wind, _owm_units(query)[2]), "deg": 40}
    return reply


def _curve(weather: Weather, moment: float) -> float:
    """A day's temperature: lowest near 05:00 local time, highest near 14:00-17:00."""
    hour = ((moment + HANOI) % 86400) / 3600
    share = (1 - math.cos(2 * math.pi * (hour - 5) / 24)) / 2
    return round(weather.low + (weather.high - weather.low) * share, 1)


def openweathermap_forecast(query: dict[str, str], weather: Weather) -> dict[str, Any]:
    """``/data/2.5/forecast``: 40 slots 3 hours apart, from the next slot after now."""
    lat, lon = float(query.get("lat", 0)), float(query.get("lon", 0))
    first = (int(weather.clock()) // 10800 + 1) * 10800
    entries = []
    for index in range(40):
        moment = first + index * 10800
        temp = weather.forecast[index] if index < len(weather.forecast) else _curve(weather, moment)
        entries.append(
            {
                "dt": moment,
                "main": _owm_main(weather, temp, query, lat, lon),
                "weather": [_owm_condition(weather.owm_id)],
                "dt_txt": datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    return {
        "cod": "200",
        "message": 0,
        "cnt": len(entries),
        "list": entries,
        "city": {"coord": {"lat": lat, "lon": lon}, "timezone": HANOI},
    }
