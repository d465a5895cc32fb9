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
_SAFE_RUN = b"0" * 19
"""Every integer of at most 18 digits is within 64 bits: a body without a run of 19
digits anywhere is parsed without a hook per integer (a 1,000-view batch has 1,000)."""
_DIGITS_AS_ZERO = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))


class JSONTooComplex(ValueError):
    """JSON past one of the limits (a ``ValueError``, so Flask answers 400)."""


class NumberOutOfRange(JSONTooComplex):
    """Numbers JSON can write but the portal cannot store; ``errors`` says where (an API
    answers 422 with them, nested like marshmallow's field errors)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(f"numbers out of range at {errors}")
        self.errors = errors


class _Reading:
    """The number hooks of one ``json.loads``: they note an out-of-range number as the
    parser meets it, so a body without one is never walked for where it is."""

    def __init__(self) -> None:
        self.out_of_range = False

    def parse_int(self, text: str) -> int:
        if len(text) > _MAX_DIGITS:
            raise JSONTooComplex(f"an integer has more than {_MAX_DIGITS} digits")
        number = int(text)
        self.out_of_range = self.out_of_range or _out_of_range(number)
        return number

    def parse_float(self, text: str) -> float:
        number = float(text)  # 1e999 parses to infinity
        self.out_of_range = self.out_of_range or _out_of_range(number)
        return number


def _no_constant(name: str) -> None:
    raise JSONTooComplex(f"{name} is not JSON")


_CONTAINERS = (dict, list)


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep lists and objects nest in ``value`` (a scalar is 0), without recursion;
    the walk stops at the first level past ``limit``."""
    if not isinstance(value, _CONTAINERS):
        return 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        item, level = pop()
        if level > deepest:
            deepest = level
            if deepest > limit:
                break
        below = level + 1
        for child in item.values() if type(item) is dict else item:
            if isinstance(child, _CONTAINERS):
                push((child, below))
    return deepest


def out_of_range(value: Any) -> dict[str, Any]:
    """Where a number in ``value`` is out of range (64-bit integers, finite floats), as
    marshmallow nests field errors; empty when none is."""
    errors: dict[str, Any] = {}
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            stack.extend(((child, (*path, str(key))) for key, child in item.items()))
        elif isinstance(item, list):
            stack.extend(((child, (*path, str(index))) for index, child in enumerate(item)))
        elif _out_of_range(item):
            _put(errors, path, "a number outside the range this service can store")
    return errors


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
    reading = _Reading()
    try:
        value = json.loads(
            text,
            parse_int=reading.parse_int if _may_hold_long_integers(text) else None,
            parse_float=reading.parse_float,
            parse_constant=_no_constant,
        )
    except RecursionError:
        raise JSONTooComplex(f"nested deeper than {max_depth} levels") from None
    if depth(value, max_depth) > max_depth:
        raise JSONTooComplex(f"nested deeper than {max_depth} levels")
    if reading.out_of_range:
        raise NumberOutOfRange(out_of_range(value))
    return value


def _may_hold_long_integers(text: str | bytes) -> bool:
    """False when no run of 19 digits is in ``text`` (bytes, as Flask hands a body:
    one translation and one search in C, a third of the hook's cost on a batch)."""
    if not isinstance(text, bytes | bytearray):
        return True
    return _SAFE_RUN in text.translate(_DIGITS_AS_ZERO)


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
