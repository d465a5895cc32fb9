"""Checks on a stream entry before it becomes an event: sizes, nesting, each field's type.

A consumer applies only what passes; anything else is dead-lettered with the reason
(docs/reliability.md). Fields a newer producer adds are ignored, within the same limits.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
import uuid
from datetime import datetime
from typing import Any

from portalkit.json_limits import MAX_INT, bounded_loads

MAX_DATA_CHARS = 64 * 1024
MAX_DEPTH = 8
MAX_TEXT_CHARS = 2048
MAX_ITEMS = 200
POSITIVE = {"minimum": 1}
"""Field metadata of an identifier: an integer from 1 up."""


class MalformedEvent(ValueError):
    """A stream entry that is not a valid event of the contract."""


def parse_data(raw: object) -> dict[str, Any]:
    """The entry's ``data``: a JSON object of bounded size and nesting."""
    if not isinstance(raw, str):
        raise MalformedEvent("data is not text")
    if len(raw) > MAX_DATA_CHARS:
        raise MalformedEvent(f"data is longer than {MAX_DATA_CHARS} characters")
    try:
        data = bounded_loads(raw, MAX_DEPTH)
    except ValueError as exc:
        raise MalformedEvent(f"data is not JSON within limits: {exc}") from None
    if not isinstance(data, dict):
        raise MalformedEvent("data is not a JSON object")
    return data


def check_envelope(fields: dict[str, Any]) -> None:
    """The envelope: a UUID ``id``, an ISO 8601 ``occurred_at``, a short ``source``."""
    try:
        uuid.UUID(str(fields["id"]))
    except (KeyError, ValueError):
        raise MalformedEvent("id is not a UUID") from None
    occurred_at = fields.get("occurred_at")
    if not isinstance(occurred_at, str) or len(occurred_at) > 64:
        raise MalformedEvent("occurred_at is not a timestamp")
    try:
        datetime.fromisoformat(occurred_at)
    except ValueError:
        raise MalformedEvent("occurred_at is not an ISO 8601 timestamp") from None
    if len(str(fields.get("source", ""))) > 64:
        raise MalformedEvent("source is longer than 64 characters")


def known_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of event class ``cls`` found in ``data``, each checked against its type."""
    values = {}
    for name, (hint, required, minimum) in _field_specs(cls).items():
        if name not in data:
            if required:
                raise MalformedEvent(f"{name} is missing")
            continue
        _check(name, data[name], hint, minimum)
        values[name] = data[name]
    return values


@functools.cache
def _field_specs(cls: type) -> dict[str, tuple[Any, bool, int | None]]:
    """Name -> (type, required, minimum) of each data field of an event class."""
    hints = typing.get_type_hints(cls)
    envelope = {"id", "occurred_at", "source"}
    return {
        f.name: (
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            f.metadata.get("minimum"),
        )
        for f in dataclasses.fields(cls)
        if f.name not in envelope
    }


def _check(name: str, value: Any, hint: Any, minimum: int | None = None) -> None:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                _check(name, value, option, minimum)
                return
            except MalformedEvent:
                continue
        raise MalformedEvent(f"{name} is not {_describe(hint)}")
    if hint is type(None):
        if value is not None:
            raise MalformedEvent(f"{name} is not null")
    elif hint is int:
        _check_int(name, value, 0 if minimum is None else minimum)
    elif hint is str:
        if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS:
            raise MalformedEvent(f"{name} is not a string of at most {MAX_TEXT_CHARS} characters")
    elif origin is list:
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise MalformedEvent(f"{name} is not a list of at most {MAX_ITEMS} items")
        (item_hint,) = typing.get_args(hint)
        for item in value:
            _check(f"{name}[]", item, item_hint)
    else:
        raise MalformedEvent(f"{name}: no check for {hint!r}")


def _check_int(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedEvent(f"{name} is not an integer")
    if not minimum <= value <= MAX_INT:
        raise MalformedEvent(f"{name} is out of range ({minimum} to {MAX_INT})")


def _describe(hint: Any) -> str:
    return " or ".join(getattr(arg, "__name__", str(arg)) for arg in typing.get_args(hint))
