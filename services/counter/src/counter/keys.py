"""Every Redis key the counter owns, in one place; all start with ``counter:``.

An article's keys share the prefix ``counter:article:<id>:`` so one ``SCAN`` finds them
all when it is deleted (the full list: docs/design-notes.md).
"""

from __future__ import annotations

import functools
from datetime import date

from portalkit.redis_client import glob_escape

PREFIX = "counter:"
ARTICLE_PREFIX = PREFIX + "article:"
RANK_ALL = PREFIX + "rank:all"
DAY_PATTERN = PREFIX + "day:*"
TOP_PATTERN = PREFIX + "top:*"
SEEN_PATTERN = ARTICLE_PREFIX + "*:seen:*"
"""Every visitor the dedupe window remembers, one key each:
``counter:article:<id>:seen:<visitor digest>`` (written by ``lua/record_views.lua``)."""


def article_prefix(article_id: int) -> str:
    return f"{ARTICLE_PREFIX}{article_id}:"


def article_keys_pattern(article_id: int) -> str:
    """A ``SCAN MATCH`` pattern for every key of one article, and of no other."""
    return glob_escape(article_prefix(article_id)) + "*"


def published(article_id: int) -> str:
    return article_prefix(article_id) + "published"


def views(article_id: int) -> str:
    return article_prefix(article_id) + "views"


def visitors(article_id: int) -> str:
    return article_prefix(article_id) + "visitors"


@functools.lru_cache(maxsize=64)
def day(on: date) -> str:
    return f"{PREFIX}day:{on:%Y%m%d}"


def top(window: str, on: date) -> str:
    return f"{PREFIX}top:{window}:{on:%Y%m%d}"


def rate(address_digest: str) -> str:
    return f"{PREFIX}rate:{address_digest}"


def salt(on: date) -> str:
    return f"{PREFIX}salt:{on:%Y%m%d}"
