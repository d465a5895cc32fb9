"""JSON read within limits: nesting depth, 64-bit integers, finite numbers.

Request bodies are read so (a body past a limit is answered 400 problem+json before any
view or database sees a 10,000-deep array or a 5,000-digit number), and so are events.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32
MAX_INT = 2**63 - 1
MIN_INT = -(2**63)
_MAX_DIGITS = 100  # longer is no number anyone means; shorter is checked after parsing


class JSONTooComplex(ValueError):
    """JSON past one of the limits (a ``ValueError``, so Flask answers 400)."""


class NumberOutOfRange(JSONTooComplex):
    """Numbers JSON can write but the portal cannot store; ``errors`` says where (an API
    answers 422 with them, nested like marshmallow's field errors)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(f"numbers out of range at {errors}")
        self.errors = errors


def _parse_int(text: str) -> int:
    if len(text) > _MAX_DIGITS:
        raise JSONTooComplex(f"an integer has more than {_MAX_DIGITS} digits")
    return int(text)


def _no_constant(name: str) -> None:
    raise JSONTooComplex(f"{name} is not JSON")


def inspect(value: Any) -> tuple[int, dict[str, Any]]:
    """How deep lists and objects nest in ``value`` (a scalar is 0), and where a number
    is out of range (64-bit integers, finite floats); without recursion."""
    deepest, errors = 0, {}
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 1, ())]
    while stack:
        item, level, path = stack.pop()
        if isinstance(item, dict):
            children = [(str(key), child) for key, child in item.items()]
        elif isinstance(item, list):
            children = [(str(index), child) for index, child in enumerate(item)]
        else:
            if _out_of_range(item):
                _put(errors, path, "a number outside the range this service can store")
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1, (*path, key)) for key, child in children)
    return deepest, errors


def _out_of_range(item: Any) -> bool:
    if isinstance(item, float):
        return not math.isfinite(item)
    return isinstance(item, int) and not isinstance(item, bool) and not MIN_INT <= item <= MAX_INT


def _put(errors: dict[str, Any], path: tuple[str, ...], message: str) -> None:
    node = errors
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1] if path else "_schema"] = [message]


def bounded_loads(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises :class:`JSONTooComplex` past a limit."""
    try:
        value = json.loads(text, parse_int=_parse_int, parse_constant=_no_constant)
    except RecursionError:
        raise JSONTooComplex(f"nested deeper than {max_depth} levels") from None
    deepest, errors = inspect(value)
    if deepest > max_depth:
        raise JSONTooComplex(f"nested deeper than {max_depth} levels")
    if errors:
        raise NumberOutOfRange(errors)
    return value


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies with :func:`bounded_loads`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return bounded_loads(s)


def init_json_limits(app: Flask) -> None:
    """Parse the app's request bodies within the limits (its dumping settings are kept)."""
    provider = BoundedJSONProvider(app)
    provider.ensure_ascii = app.json.ensure_ascii
    provider.sort_keys = app.json.sort_keys
    app.json = provider
