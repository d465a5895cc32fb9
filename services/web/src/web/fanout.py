"""Reading several APIs at once for one page, from a small shared thread pool."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)


def gather(**calls: Callable[[], Any]) -> dict[str, Any]:
    """Run the calls concurrently; each result is its value or the exception it raised.

    Each call runs in a copy of the caller's context, so the request id travels with it.
    """
    pool = current_app.extensions["web.pool"]
    futures = {
        name: pool.submit(contextvars.copy_context().run, call) for name, call in calls.items()
    }
    results: dict[str, Any] = {}
    for name, future in futures.items():
        try:
            results[name] = future.result()
        except Exception as exc:
            log.info("page part %s unavailable: %s", name, exc)
            results[name] = exc
    return results


def value_or(result: Any, default: Any) -> Any:
    """The value of a gathered call, or ``default`` when it failed."""
    return default if isinstance(result, Exception) else result
