"""The articles service: articles, the category tree, Vietnamese search, the outbox.

Importing the package stays light (the relay and ``manage`` do not load Flask); the
app factory lives in :mod:`articles.app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from articles.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """The API app (``gunicorn "articles:create_app()"``)."""
    from articles.app import create_app as build

    return build(settings)
