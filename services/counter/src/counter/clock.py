"""Time as the counter sees it: an injectable clock and the portal's calendar day.

Rankings are kept per calendar day in Asia/Ho_Chi_Minh (UTC+7, no daylight saving),
the day a Vietnamese reader would call "today". The clock is a plain callable so tests
can move it across a midnight.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], datetime]

try:
    PORTAL_TZ: timezone | ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
except ZoneInfoNotFoundError:  # a slim image without tzdata; Vietnam has kept UTC+7 since 1975
    PORTAL_TZ = timezone(timedelta(hours=7), "ICT")


def system_clock() -> datetime:
    return datetime.now(UTC)


def local_day(now: datetime) -> date:
    """The portal's calendar day at instant ``now`` (an aware datetime)."""
    return now.astimezone(PORTAL_TZ).date()


def days_back(today: date, count: int) -> list[date]:
    """``count`` calendar days ending with ``today``, newest first."""
    return [today - timedelta(days=offset) for offset in range(count)]
