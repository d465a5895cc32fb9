"""Request and response shapes of the weather API; they also generate its OpenAPI."""

from __future__ import annotations

import marshmallow as ma


class LocationSchema(ma.Schema):
    slug = ma.fields.String(required=True, metadata={"example": "yen-bai"})
    name = ma.fields.String(required=True, metadata={"example": "Thành phố Yên Bái"})
    lat = ma.fields.Float(required=True)
    lon = ma.fields.Float(required=True)


class LocationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LocationSchema), required=True)
    default = ma.fields.String(
        required=True, metadata={"description": "the slug GET /v1/weather answers for"}
    )
    attribution = ma.fields.String(
        required=True, metadata={"description": "the credit the provider's licence asks for"}
    )


class ConditionSchema(ma.Schema):
    code = ma.fields.Integer(
        required=True,
        metadata={"description": "WMO 4677 weather code; 100 and above are the portal's own"},
    )
    text_vi = ma.fields.String(required=True, metadata={"example": "Trời nhiều mây"})
    text_en = ma.fields.String(required=True, metadata={"example": "Overcast"})


def _measure(description: str) -> ma.fields.Float:
    return ma.fields.Float(
        required=True, allow_none=True, metadata={"description": f"{description}; null if unknown"}
    )


class WeatherSchema(ma.Schema):
    location = ma.fields.Nested(LocationSchema, required=True)
    temperature_c = _measure("temperature, °C")
    temp_min_c = _measure("the local day's low (00:00-24:00), °C")
    temp_max_c = _measure("the local day's high (00:00-24:00), °C")
    condition = ma.fields.Nested(
        ConditionSchema, required=True, allow_none=True, metadata={"description": "null if unknown"}
    )
    pressure_hpa = _measure(
        "air pressure reduced to mean sea level (as barometers and forecasts quote it; "
        "not the lower pressure at a highland place's ground), hPa"
    )
    humidity_pct = _measure("relative humidity, %")
    wind_kmh = _measure("wind speed at 10 m, km/h")
    observed_at = ma.fields.String(
        required=True, allow_none=True, metadata={"description": "ISO 8601 with offset"}
    )
    fetched_at = ma.fields.String(required=True, metadata={"description": "ISO 8601 with offset"})
    stale = ma.fields.Boolean(
        required=True, metadata={"description": "the last good fetch is older than 3 intervals"}
    )
    source = ma.fields.String(required=True, metadata={"example": "open-meteo"})
    attribution = ma.fields.String(required=True)


class RefreshSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"example": "accepted"})
    queued = ma.fields.Boolean(
        required=True,
        metadata={"description": "false when a refresh was already under way (no new fetch)"},
    )
    locations = ma.fields.Integer(required=True)
