"""Weather providers behind one small interface.

A provider turns a place into a :class:`Reading` (normalized by a marshmallow schema:
a value it did not give, or gave as something other than a number, is None) or raises
a :class:`ProviderError`. Which provider is used is a setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from weather.locations import Location

ATTRIBUTIONS = {
    "open-meteo": "Weather data by Open-Meteo.com (CC BY 4.0)",
    "openweathermap": "Weather data by OpenWeather (openweathermap.org)",
}
"""The credit each provider's terms ask for, shown with its data."""


class ProviderError(Exception):
    """The provider gave no usable reading this time."""


class ProviderUnavailable(ProviderError):
    """Timeouts, refused connections, 5xx: worth trying again later."""


class ProviderRateLimited(ProviderError):
    """429: wait ``retry_after`` seconds, or, when the provider named no time (None),
    for the rest of its rate window; ``reason`` is what its body said."""

    def __init__(self, message: str, retry_after: float | None, reason: str = "") -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.reason = reason


class ProviderReplyInvalid(ProviderError):
    """A reply that is not JSON, or fails validation: the previous good reading stays."""


@dataclass(frozen=True)
class Reading:
    """What a provider measured at a place, in the units the API serves.

    ``pressure_hpa`` is the pressure reduced to mean sea level (what readers and
    barometers quote), not the lower pressure at the ground of a highland place.
    """

    temperature_c: float
    temp_min_c: float | None
    temp_max_c: float | None
    weather_code: int | None
    pressure_hpa: float | None
    humidity_pct: float | None
    wind_kmh: float | None
    observed_at: str | None


class Provider(Protocol):
    name: str
    attribution: str
    day_range_from_forecast: bool
    """True when its low and high cover only the rest of the day (forecast slots still
    to come): the fetcher then adds the day's stored readings."""

    def fetch(self, location: Location, *, retry: bool = True) -> Reading:
        """The current reading of ``location``; ``retry=False`` makes a single attempt."""
        ...


__all__ = [
    "ATTRIBUTIONS",
    "Provider",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderReplyInvalid",
    "ProviderUnavailable",
    "Reading",
]
