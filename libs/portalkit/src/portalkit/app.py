"""The start of every service's app factory: a Flask app configured from its settings."""

from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutinefunction
from types import CodeType
from typing import Any

from flask import Flask

from portalkit.config import as_dict


class PortalFlask(Flask):
    """Flask, remembering which functions are coroutines.

    Flask asks ``inspect.iscoroutinefunction`` of every hook and view on every request
    (about ten times a request here). Whether a function is a coroutine is fixed by its
    code object, so the answer is kept per code object: a bounded set, the same for a
    method of every instance of a class-based view.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._coroutine_code: dict[CodeType, bool] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        target = getattr(func, "__func__", func)
        code = getattr(target, "__code__", None)
        if code is None or hasattr(target, "_is_coroutine_marker"):
            # a partial, another callable object, or a function marked a coroutine
            # (inspect.markcoroutinefunction, Python 3.12+): ask each time
            return super().ensure_sync(func)
        coroutine = self._coroutine_code.get(code)
        if coroutine is None:
            coroutine = self._coroutine_code[code] = iscoroutinefunction(func)
        return self.async_to_sync(func) if coroutine else func


def flask_app(import_name: str, settings: Any) -> Flask:
    """A Flask app whose config holds ``settings`` (a settings dataclass, names upper-cased)."""
    app = PortalFlask(import_name)
    app.config.update(as_dict(settings))
    return app
