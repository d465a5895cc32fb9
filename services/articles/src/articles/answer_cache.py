"""Answers to article reads, kept as JSON per process and keyed by the article's version.

Reads are most of the articles API's work, and most of a read's CPU went to the ORM and
marshmallow building the same answer again. Every change to an article makes a new
``version`` and ``updated_at`` (``updated_at`` also tells apart an article that reused the
id of a deleted one), so one small query for those says whether the answer kept here is
still the article's; every replica asks its database, so nothing needs telling when an
article changes. The answer also carries the category's name and breadcrumb: categories
are never changed once created (the API only adds them), and an entry is dropped after
``MAX_AGE_S`` all the same, so a category renamed in the database by hand shows within
minutes.

Public lists and searches are kept too, keyed by their arguments and the generation of
published content: the highest outbox id. Every change the public can see (publishing,
an edit of a published article, unpublishing, deleting, a scheduled article going out)
writes an outbox event in its own transaction, so a new event means lists may have
changed. On PostgreSQL a transaction can commit after one holding a later id; a list
is therefore also kept at most ``LIST_MAX_AGE_S`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from articles.models import Article, OutboxEvent, SlugHistory

MAX_AGE_S = 300.0
LIST_MAX_AGE_S = 10.0


@dataclass(frozen=True)
class Stamp:
    """What identifies one answer: the article's id, version and time of that version."""

    id: int
    version: int
    status: str
    updated_at: datetime

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.id, self.version, self.updated_at)


_COLUMNS = (Article.id, Article.version, Article.status, Article.updated_at)


def _stamp(row: Any) -> Stamp | None:
    if row is None:
        return None
    return Stamp(row[0], row[1], row[2], row[3])


# Built once: constructing a statement costs more than running it on a warm database.
_BY_ID = select(*_COLUMNS).where(Article.id == bindparam("article_id"))
_BY_SLUG = select(*_COLUMNS).where(Article.slug == bindparam("slug"))
_BY_OLD_SLUG = select(*_COLUMNS).where(
    Article.id
    == select(SlugHistory.article_id).where(SlugHistory.slug == bindparam("slug")).scalar_subquery()
)


def stamp_by_id(connection: Connection, article_id: int) -> Stamp | None:
    return _stamp(connection.execute(_BY_ID, {"article_id": article_id}).first())


def stamp_by_slug(connection: Connection, slug: str) -> Stamp | None:
    """The stamp of the article that has ``slug`` now or had it before."""
    row = connection.execute(_BY_SLUG, {"slug": slug}).first()
    if row is None:
        row = connection.execute(_BY_OLD_SLUG, {"slug": slug}).first()
    return _stamp(row)


_GENERATION = select(func.max(OutboxEvent.id))


def public_generation(connection: Connection) -> int:
    """Grows with every change to what the public can see (see the module's note)."""
    return connection.execute(_GENERATION).scalar() or 0


class Answers:
    """A bounded LRU of JSON answers by stamp key; ``max_bytes`` 0 keeps nothing."""

    def __init__(self, max_bytes: int, max_age_s: float = MAX_AGE_S) -> None:
        self.max_bytes = max_bytes
        self.max_age_s = max_age_s
        self._items: OrderedDict[tuple[Any, ...], tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if time.monotonic() - item[0] > self.max_age_s:
                del self._items[key]
                self._size -= len(item[1])
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return  # an outsized answer would push out many ordinary ones
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            self._items[key] = (time.monotonic(), body)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        return self._size
