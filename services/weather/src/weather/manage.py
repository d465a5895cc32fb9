"""What tooling (benchmarks, operators' scripts) calls instead of the weather service's
internals."""

from __future__ import annotations

from datetime import UTC, datetime

from portalkit.redis_client import connect
from portalkit.streams import EventBus
from weather.providers import Reading
from weather.settings import Settings
from weather.store import Observation, WeatherStore


def store_sample_weather(settings: Settings) -> int:
    """Store a plausible observation of every place, as a good fetch would (events
    included); returns the number of places."""
    client = connect(settings.redis_url)
    store = WeatherStore(client, EventBus(client, settings.stream_maxlen))
    now = datetime.now(UTC)
    interval, _ = store.interval_at(now.timestamp(), settings.weather_interval_s)
    for place in settings.weather_locations:
        store.save(
            Observation(
                location=place.slug,
                reading=Reading(
                    temperature_c=15.0,
                    temp_min_c=13.0,
                    temp_max_c=17.0,
                    weather_code=3,
                    pressure_hpa=1012.4,
                    humidity_pct=84.0,
                    wind_kmh=7.2,
                    observed_at=now.replace(second=0, microsecond=0).isoformat(),
                ),
                fetched_at=now.isoformat(timespec="seconds"),
                fetched_ts=now.timestamp(),
                source=settings.weather_provider,
                interval=interval,
            )
        )
    client.close()
    return len(settings.weather_locations)
