"""The weather API (docs/api.md): places, current weather, and a manual refresh."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from werkzeug.routing import BaseConverter

from portalkit.api import Blueprint, scoped
from portalkit.auth import require_scope
from portalkit.http import fresh_requested, json_answer, json_bytes
from portalkit.problems import problem
from portalkit.scopes import WEATHER_REFRESH
from weather.api.schemas import LocationListSchema, RefreshSchema, WeatherSchema
from weather.conditions import condition_for
from weather.extensions import weather_answers, weather_fetcher
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


def _location(place: Location) -> dict[str, Any]:
    return {"slug": place.slug, "name": place.name, "lat": place.lat, "lon": place.lon}


def weather_view(
    place: Location, obs: Observation, fetcher: Fetcher, stale: bool | None = None
) -> dict[str, Any]:
    reading = obs.reading
    condition = condition_for(reading.weather_code)
    if stale is None:
        stale = fetcher.store.answer_now() - obs.fetched_ts > fetcher.settings.stale_after_s
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
        "stale": stale,
        "source": obs.source,
        "attribution": ATTRIBUTIONS.get(obs.source, obs.source),
    }


WEATHER_SCHEMA = WeatherSchema()


def current_weather(slug: str) -> Any:
    """The place's answer, written by the documented schema once per stored observation
    and staleness (weather.answers)."""
    fetcher = weather_fetcher()
    place = fetcher.settings.location(slug)
    if place is None:
        return problem(404, f"no place with the slug {slug!r}; see /v1/locations")
    store = fetcher.store
    stored = store.latest_stored(slug) if fresh_requested() else store.recent_stored(slug)
    answers = weather_answers()
    obs = None if stored is None else answers.observation(slug, stored)
    if obs is None:
        obs = fetcher.store.parse(stored, slug)
    if stored is None or obs is None:
        return problem(
            503,
            "no weather has been fetched for this place yet; try again shortly",
            headers={"Retry-After": "30"},
        )
    stale = fetcher.store.answer_now() - obs.fetched_ts > fetcher.settings.stale_after_s
    body, tag = answers.body(
        slug,
        stored,
        obs,
        stale,
        lambda: json_bytes(WEATHER_SCHEMA.dump(weather_view(place, obs, fetcher, stale))),
    )
    return json_answer(body, etag=tag)


@blp.route("/locations")
class Locations(MethodView):
    @blp.response(200, LocationListSchema)
    def get(self) -> dict[str, Any]:
        """The places whose weather is kept"""
        fetcher = weather_fetcher()
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
        return current_weather(weather_fetcher().settings.weather_default_location)


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
    @blp.doc(**scoped(WEATHER_REFRESH))
    @blp.response(202, RefreshSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @require_scope(WEATHER_REFRESH)
    def post(self) -> tuple[dict[str, Any], int]:
        """Fetch every place now

        Concurrent refreshes are merged: while one is under way another queues nothing.
        """
        fetcher = weather_fetcher()
        places = len(fetcher.settings.weather_locations)
        queued = fetcher.store.start_refresh(fetcher.settings.weather_refresh_dedup_s)
        if queued:
            try:
                queue_refresh(fetcher)
            except Exception:
                fetcher.store.end_refresh()
                raise
        return {"status": "accepted", "queued": queued, "locations": places}, 202
