"""What every resource needs from the app: the database and the category tree."""

from __future__ import annotations

from flask import current_app

from articles.db import Database
from articles.readcache import Answers


def database() -> Database:
    return current_app.extensions["articles.db"]


def count_write(operation: str) -> None:
    """Count a committed write in ``articles_writes_total``."""
    current_app.extensions["articles.writes"].labels(operation).inc()


def read_answers() -> Answers:
    return current_app.extensions["articles.answers"]


def list_answers() -> Answers:
    return current_app.extensions["articles.list_answers"]


def count_read(result: str) -> None:
    """Count a read answered from the per-process cache (``hit``) or built (``miss``);
    ``list_hit`` and ``list_miss`` for public lists."""
    metrics = current_app.extensions["portalkit.metrics"]
    metrics.child(current_app.extensions["articles.reads"], result).inc()
