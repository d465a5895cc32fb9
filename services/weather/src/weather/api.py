"""The HTTP API of DESIGN.md: places, current weather, and a manual refresh."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.routing import BaseConverter

from portalkit.api import BEARER
from portalkit.auth import require_token
from portalkit.problems import problem
from weather.conditions import condition_for
from weather.fetcher import Fetcher
from weather.locations import Location
from weather.providers import ATTRIBUTIONS
from weather.store import Observation
from weather.tasks import queue_refresh


class SlugConverter(BaseConverter):
    """A place's slug in a URL: lower-case ASCII words joined by '-'."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"


SLUG_DOC = {"type": "string", "pattern": f"^{SlugConverter.regex}$", "example": "yen-bai"}

blp = Blueprint("weather", __name__, url_prefix="/v1", description="Weather of the province")


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


def _fetcher() -> Fetcher:
    return current_app.extensions["weather"]


def _location(place: Location) -> dict[str, Any]:
    return {"slug": place.slug, "name": place.name, "lat": place.lat, "lon": place.lon}


def weather_view(place: Location, obs: Observation, fetcher: Fetcher) -> dict[str, Any]:
    reading = obs.reading
    condition = condition_for(reading.weather_code)
    age = fetcher.store.now() - obs.fetched_ts
    return {
        "location": _location(place),
        "temperature_c": reading.temperature_c,
        "temp_min_c": reading.temp_min_c,
        "temp_max_c": reading.temp_max_c,
        "condition": None
        if condition is None
        else {"code": condition.code, "text_vi": condition.text_vi, "text_en": condition.text_en},
        "pressure_hpa": reading.pressure_hpa,
        "humidity_pct": reading.humidity_pct,
        "wind_kmh": reading.wind_kmh,
        "observed_at": reading.observed_at,
        "fetched_at": obs.fetched_at,
        "stale": age > fetcher.settings.stale_after_s,
        "source": obs.source,
        "attribution": ATTRIBUTIONS.get(obs.source, obs.source),
    }


def current_weather(slug: str) -> Any:
    fetcher = _fetcher()
    place = fetcher.settings.location(slug)
    if place is None:
        return problem(404, f"no place with the slug {slug!r}; see /v1/locations")
    obs = fetcher.store.latest(slug)
    if obs is None:
        return problem(
            503,
            "no weather has been fetched for this place yet; try again shortly",
            headers={"Retry-After": "30"},
        )
    return weather_view(place, obs, fetcher)


@blp.route("/locations")
class Locations(MethodView):
    @blp.response(200, LocationListSchema)
    def get(self) -> dict[str, Any]:
        """The places whose weather is kept"""
        fetcher = _fetcher()
        return {
            "items": [_location(place) for place in fetcher.settings.weather_locations],
            "default": fetcher.settings.weather_default_location,
            "attribution": fetcher.provider.attribution,
        }


@blp.route("/weather")
class DefaultWeather(MethodView):
    @blp.response(200, WeatherSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self) -> Any:
        """Current weather of the default place"""
        return current_weather(_fetcher().settings.weather_default_location)


@blp.route("/weather/<slug:slug>")
class PlaceWeather(MethodView):
    @blp.response(200, WeatherSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, slug: str) -> Any:
        """Current weather of one place"""
        return current_weather(slug)


@blp.route("/weather/refresh")
class Refresh(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(202, RefreshSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @require_token
    def post(self) -> tuple[dict[str, Any], int]:
        """Fetch every place now

        Concurrent refreshes are merged: while one is under way another queues nothing.
        """
        fetcher = _fetcher()
        places = len(fetcher.settings.weather_locations)
        queued = fetcher.store.start_refresh(fetcher.settings.weather_refresh_dedup_s)
        if queued:
            try:
                queue_refresh(fetcher)
            except Exception:
                fetcher.store.end_refresh()
                raise
        return {"status": "accepted", "queued": queued, "locations": places}, 202
