"""Opaque list cursors: where a walk through a list stopped (the last item's sort value
and id), so the next page starts right after it however many articles came since."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ORDERS = ("-published_at", "published_at", "title")
DEFAULT_ORDER = "-published_at"


class BadCursor(ValueError):
    """Not a cursor this API made (or made for another order)."""


@dataclass(frozen=True)
class Cursor:
    """After the item whose sort value is ``value`` and id ``id``, in ``order``."""

    order: str
    value: datetime | str
    id: int

    def encode(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, datetime) else self.value
        raw = json.dumps([self.order, value, self.id], ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            order, value, article_id = json.loads(raw)
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
            raise BadCursor("not a cursor of this list") from None
        if order not in ORDERS or not isinstance(value, str):
            raise BadCursor("not a cursor of this list")
        if type(article_id) is not int or not 0 < article_id < 2**31:
            raise BadCursor("not a cursor of this list")
        if order == "title":
            return cls(order, value, article_id)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise BadCursor("not a cursor of this list") from None
        if moment.tzinfo is None:
            raise BadCursor("not a cursor of this list")
        return cls(order, moment, article_id)


def sort_value(order: str, item: Any) -> datetime | str:
    """The value ``item`` (an Article) is sorted by in ``order``."""
    if order == "title":
        return item.title
    return item.published_at or item.created_at
