"""The day's low and high when a provider's own range covers only the hours to come.

OpenWeatherMap's forecast holds only future 3-hour slots, so by evening its "day" range
has lost the morning. The whole day's range is the forecast slots of the local day
together with what we observed that day: the readings in the place's history and the
current one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, tzinfo

from weather.providers import Reading


def _local_date(observed_at: str | None, zone: tzinfo | None) -> date | None:
    if not observed_at:
        return None
    try:
        return datetime.fromisoformat(observed_at).astimezone(zone).date()
    except (TypeError, ValueError):
        return None


def whole_day(reading: Reading, earlier: Iterable[Reading]) -> Reading:
    """``reading`` with its low and high widened by the ``earlier`` readings of its local
    day. Without a range from the provider (no forecast) there is nothing to widen."""
    if reading.temp_min_c is None or reading.temp_max_c is None or not reading.observed_at:
        return reading
    now = datetime.fromisoformat(reading.observed_at)
    today = now.date()
    temps = [reading.temp_min_c, reading.temp_max_c, reading.temperature_c]
    temps += [r.temperature_c for r in earlier if _local_date(r.observed_at, now.tzinfo) == today]
    return replace(reading, temp_min_c=min(temps), temp_max_c=max(temps))
