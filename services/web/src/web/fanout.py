"""Reading several APIs at once for one page, from a small shared thread pool."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import Any

from flask import g

from web import extensions
from web.api_client import NotFound

log = logging.getLogger(__name__)


def gather(**calls: Callable[[], Any]) -> dict[str, Any]:
    """Run the calls concurrently; each result is its value or the exception it raised.

    Each call runs in a copy of the caller's context, so the request id travels with it.
    A call that failed other than by a 404 leaves the page incomplete (see
    :func:`incomplete`); a 404 is an answer, and the page is whole without that part.
    """
    pool = extensions.api_pool()
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
            if not isinstance(exc, NotFound):
                g._web_incomplete = True
    return results


def incomplete() -> bool:
    """Whether a part of this request's page could not be read (a service failed)."""
    return bool(g.get("_web_incomplete"))


def value_or(result: Any, default: Any) -> Any:
    """The value of a gathered call, or ``default`` when it failed."""
    return default if isinstance(result, Exception) else result
