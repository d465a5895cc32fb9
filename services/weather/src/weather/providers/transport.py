"""GET JSON from a provider: timeouts, retries with exponential backoff and jitter, 429.

A 429's ``Retry-After`` (seconds or an HTTP date) up to ``retry_after_max_s`` is waited
here; a longer one, or none at all (Open-Meteo never sends one), ends the attempt with
:class:`ProviderRateLimited` and the caller stops every worker asking (see backoff.py).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from portalkit.http_client import Session
from weather.providers import ProviderRateLimited, ProviderReplyInvalid, ProviderUnavailable

log = logging.getLogger(__name__)

MAX_REPLY_BYTES = 1 << 20


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def error_reason(response: requests.Response) -> str:
    """The reason an error reply gives (Open-Meteo's ``reason``, OpenWeatherMap's
    ``message``), cut short; empty when it gives none."""
    try:
        body = response.json() if len(response.content) <= 4096 else None
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    reason = body.get("reason", body.get("message"))
    return reason[:300] if isinstance(reason, str) else ""


@dataclass
class Transport:
    session: Session
    retries: int = 2
    backoff_s: float = 0.5
    backoff_max_s: float = 8.0
    retry_after_max_s: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with equal jitter: half fixed, half random."""
        ceiling = min(self.backoff_max_s, self.backoff_s * (2**attempt))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def get_json(self, url: str, params: Mapping[str, Any], *, retry: bool = True) -> Any:
        attempts = self.retries + 1 if retry else 1
        failure: Exception = ProviderUnavailable("no attempt made")
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self.session.get(url, params=params)
            except requests.RequestException as exc:
                failure = ProviderUnavailable(f"{type(exc).__name__}: {exc}")
            else:
                if response.status_code == 429:
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    if last or wait is None or wait > self.retry_after_max_s:
                        raise ProviderRateLimited(
                            "HTTP 429 from the provider", wait, error_reason(response)
                        )
                    log.info("provider rate limited; waiting", extra={"wait_s": wait})
                    self.sleep(wait)
                    continue
                if response.status_code >= 500:
                    failure = ProviderUnavailable(f"HTTP {response.status_code}")
                elif response.status_code != 200:
                    reason = error_reason(response)
                    raise ProviderReplyInvalid(f"HTTP {response.status_code}: {reason}")
                elif len(response.content) > MAX_REPLY_BYTES:
                    raise ProviderReplyInvalid("reply too large")
                else:
                    try:
                        return response.json()
                    except ValueError:
                        raise ProviderReplyInvalid("reply is not valid JSON") from None
            if not last:
                self.sleep(self.backoff(attempt))
        raise failure
