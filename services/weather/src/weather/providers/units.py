"""Units a provider states for its values, and how each converts to the one we serve.

A value is converted from the unit its reply names, never from the unit we asked for:
a reply in a unit not listed here is refused rather than shown under the wrong one.
"""

from __future__ import annotations

from collections.abc import Callable

Convert = Callable[[float], float]

CELSIUS: dict[str, Convert] = {
    "°C": lambda value: value,
    "°F": lambda value: (value - 32) * 5 / 9,
}
KMH: dict[str, Convert] = {
    "km/h": lambda value: value,
    "m/s": lambda value: value * 3.6,
    "mp/h": lambda value: value * 1.609344,
    "mph": lambda value: value * 1.609344,
    "kn": lambda value: value * 1.852,
}
HPA: dict[str, Convert] = {"hPa": lambda value: value}
PERCENT: dict[str, Convert] = {"%": lambda value: value}


class UnitError(ValueError):
    """A value came in a unit we cannot convert (or with no unit stated)."""


def converter(unit: object, table: dict[str, Convert], name: str) -> Convert:
    """How to bring a value of ``name`` in ``unit`` to the unit we serve."""
    if not isinstance(unit, str) or unit not in table:
        raise UnitError(f"{name} is in {unit!r}, expected one of {', '.join(table)}")
    return table[unit]
