"""How long to leave a provider alone after a 429 that names no wait.

Open-Meteo's free tier counts calls per minute, hour and UTC day and answers 429 with
no ``Retry-After``, only a reason ("Minutely API request limit exceeded. Please try
again in one minute."). Retrying within seconds cannot succeed, so we wait for the
window to turn: the minute first, then the hour, then the day as 429s repeat.
"""

from __future__ import annotations

WINDOWS_S = (60, 3600, 86400)
"""The provider's rate windows, shortest first; each resets when the UTC clock turns."""

_WORDS = (("daily", 3), ("tomorrow", 3), ("day", 3), ("hour", 2), ("minute", 1))


def window_named(reason: str) -> int:
    """The step (1 minute, 2 hour, 3 day) a 429's reason names; 0 when it names none."""
    words = reason.lower()
    return next((step for word, step in _WORDS if word in words), 0)
