"""What every resource needs from the app: the database and the category tree."""

from __future__ import annotations

from flask import current_app

from articles.db import Database


def database() -> Database:
    return current_app.extensions["articles.db"]


def count_write(operation: str) -> None:
    """Count a committed write in ``articles_writes_total``."""
    current_app.extensions["articles.writes"].labels(operation).inc()
