"""Typed places on a Flask app for what its factory builds (a database, a cache, a client).

Each service declares its slots once (``database = AppSlot[Database]("articles.database")``),
the factory fills them (``database.init_app(app, db)``) and code reads them back typed
(``database()`` in a request, ``database(app)`` outside one).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from flask import Flask, current_app

T = TypeVar("T")


class AppSlot(Generic[T]):
    """One object kept in ``app.extensions`` under ``key``."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def init_app(self, app: Flask, value: T) -> T:
        app.extensions[self.key] = value
        return value

    def __call__(self, app: Flask | None = None) -> T:
        """The object of ``app``, or of the app serving this request."""
        target = current_app if app is None else app
        return target.extensions[self.key]
