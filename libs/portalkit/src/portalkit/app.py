"""The start of every service's app factory: a Flask app configured from its settings."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portalkit.config import as_dict


def flask_app(import_name: str, settings: Any) -> Flask:
    """A Flask app whose config holds ``settings`` (a settings dataclass, names upper-cased)."""
    app = Flask(import_name)
    app.config.update(as_dict(settings))
    return app
