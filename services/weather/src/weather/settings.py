"""The weather service's settings: the common ones plus provider, schedule and resilience."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from portalkit.config import CommonSettings, ConfigError, env, http_url, integer, number
from weather.locations import DEFAULT_LOCATION_SLUG, DEFAULT_LOCATIONS, Location, load_locations

PROVIDERS = ("open-meteo", "openweathermap")


def choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return value

    return parse


@dataclass(frozen=True)
class Settings(CommonSettings):
    weather_provider: str = "open-meteo"
    open_meteo_url: str = "https://api.open-meteo.com/v1/forecast"
    openweathermap_url: str = "https://api.openweathermap.org/data/2.5"
    openweathermap_api_key: str = ""
    weather_interval_s: float = 900.0
    weather_locations: tuple[Location, ...] = field(default=DEFAULT_LOCATIONS)
    weather_default_location: str = DEFAULT_LOCATION_SLUG
    weather_connect_timeout_s: float = 3.05
    weather_read_timeout_s: float = 10.0
    weather_retries: int = 2
    weather_backoff_s: float = 0.5
    weather_backoff_max_s: float = 8.0
    weather_retry_after_max_s: float = 30.0
    weather_breaker_fail_max: int = 5
    weather_breaker_reset_s: float = 60.0
    weather_refresh_dedup_s: float = 30.0
    weather_history_len: int = 96

    @property
    def stale_after_s(self) -> float:
        """A last good fetch older than three intervals is stale."""
        return 3 * self.weather_interval_s

    @property
    def tick_s(self) -> float:
        """How often beat looks for places due: several times an interval, so a late tick
        never skips one; the per-interval guard lets only the first look fetch."""
        return min(60.0, max(0.5, self.weather_interval_s / 4))

    def location(self, slug: str) -> Location | None:
        return next((place for place in self.weather_locations if place.slug == slug), None)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        provider = env("WEATHER_PROVIDER", cls.weather_provider, choice(PROVIDERS), environ)
        api_key = env("OPENWEATHERMAP_API_KEY", "", str, environ)
        if provider == "openweathermap" and not api_key:
            raise ConfigError(
                "OPENWEATHERMAP_API_KEY", "", "required when WEATHER_PROVIDER=openweathermap"
            )
        locations = env("WEATHER_LOCATIONS_FILE", "", load_locations, environ)
        default = env("WEATHER_DEFAULT_LOCATION", "", str, environ)
        if default and not any(place.slug == default for place in locations):
            raise ConfigError(
                "WEATHER_DEFAULT_LOCATION", default, "not the slug of a configured place"
            )
        if not default:
            slugs = [place.slug for place in locations]
            default = DEFAULT_LOCATION_SLUG if DEFAULT_LOCATION_SLUG in slugs else slugs[0]
        return cls.with_common(
            environ,
            weather_provider=provider,
            open_meteo_url=env("OPEN_METEO_URL", cls.open_meteo_url, http_url, environ),
            openweathermap_url=env("OPENWEATHERMAP_URL", cls.openweathermap_url, http_url, environ),
            openweathermap_api_key=api_key,
            weather_interval_s=env("WEATHER_INTERVAL_S", "900", number(minimum=1), environ),
            weather_locations=locations,
            weather_default_location=default,
            weather_connect_timeout_s=env(
                "WEATHER_CONNECT_TIMEOUT_S", "3.05", number(minimum=0.01), environ
            ),
            weather_read_timeout_s=env(
                "WEATHER_READ_TIMEOUT_S", "10", number(minimum=0.01), environ
            ),
            weather_retries=env("WEATHER_RETRIES", "2", integer(0, 10), environ),
            weather_backoff_s=env("WEATHER_BACKOFF_S", "0.5", number(minimum=0), environ),
            weather_backoff_max_s=env("WEATHER_BACKOFF_MAX_S", "8", number(minimum=0), environ),
            weather_retry_after_max_s=env(
                "WEATHER_RETRY_AFTER_MAX_S", "30", number(minimum=0), environ
            ),
            weather_breaker_fail_max=env(
                "WEATHER_BREAKER_FAIL_MAX", "5", integer(1, 10_000), environ
            ),
            weather_breaker_reset_s=env(
                "WEATHER_BREAKER_RESET_S", "60", number(minimum=0.1), environ
            ),
            weather_refresh_dedup_s=env(
                "WEATHER_REFRESH_DEDUP_S", "30", number(minimum=0.1), environ
            ),
            weather_history_len=env("WEATHER_HISTORY_LEN", "96", integer(1, 10_000), environ),
        )
