"""What the app factory builds for the resources, read back typed; and its two counters."""

from __future__ import annotations

from prometheus_client import Counter

from articles.db import Database
from articles.versions import ArticleVersion
from portalkit.answer_cache import AnswerCache
from portalkit.extensions import AppSlot
from portalkit.http import app_metrics
from portalkit.recent import RecentReads

database = AppSlot[Database]("articles.database")
article_answers = AppSlot[AnswerCache]("articles.article_answers")
"""Answers to reads of one article, by its version."""
recent_versions = AppSlot[RecentReads[ArticleVersion | None]]("articles.recent_versions")
"""The published versions public reads found lately (one query per half second)."""
list_answers = AppSlot[AnswerCache]("articles.list_answers")
"""Answers to public lists and searches, by the public generation and the query."""
recent_generation = AppSlot[RecentReads[int]]("articles.recent_generation")
"""The public generation public lists found lately (one query per half second)."""
writes_metric = AppSlot[Counter]("articles.writes_metric")
reads_metric = AppSlot[Counter]("articles.reads_metric")


def count_write(operation: str) -> None:
    """Count a committed write in ``articles_writes_total``. Whatever it changed (an
    article, a photo it shows, a category), public reads in this process ask the
    database for the current version (and lists for the public generation) again at once."""
    recent_versions().forget()
    recent_generation().forget()
    app_metrics().child(writes_metric(), operation).inc()


def count_read(result: str) -> None:
    """Count a read answered from the per-process cache (``hit``) or built (``miss``);
    ``list_hit`` and ``list_miss`` for public lists."""
    app_metrics().child(reads_metric(), result).inc()
