"""marshmallow fields for provider replies: a number is a number, anything else is None."""

from __future__ import annotations

import math
from typing import Any

import marshmallow as ma


def as_number(value: Any, low: float, high: float) -> float | None:
    """A finite number within [low, high], else None (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not low <= value <= high:
        return None
    return float(value)


class Measure(ma.fields.Field):
    """A measured value. Missing, null, non-numeric or out of range reads as None;
    with ``required_value`` such a value fails validation instead."""

    def __init__(
        self, low: float, high: float, *, required_value: bool = False, **kwargs: Any
    ) -> None:
        if required_value:
            kwargs.setdefault("required", True)
        else:
            kwargs.setdefault("load_default", None)
            kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.low, self.high, self.required_value = low, high, required_value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        number = as_number(value, self.low, self.high)
        if number is None and self.required_value:
            raise ma.ValidationError(f"expected a number between {self.low} and {self.high}")
        return number


class FirstMeasure(Measure):
    """The first element of a list of measures (a one-day daily series)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, list) or not value:
            return None
        return super()._deserialize(value[0], attr, data, **kwargs)


class Code(ma.fields.Field):
    """A whole-number condition code; anything else reads as None."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("load_default", None)
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        number = as_number(value, 0, 10_000)
        if number is None or number != int(number):
            return None
        return int(number)


TEMPERATURE = (-90.0, 65.0)
PRESSURE = (300.0, 1100.0)
HUMIDITY = (0.0, 100.0)
WIND_KMH = (0.0, 500.0)
