"""A small app built with portalkit, the way every service builds its own."""

from __future__ import annotations

import marshmallow as ma
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint

from portalkit.api import create_api
from portalkit.app import flask_app
from portalkit.auth import require_token
from portalkit.config import CommonSettings, load_or_exit
from portalkit.http import init_http


class ThingSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=50))
    size = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))


blp = Blueprint("things", __name__, url_prefix="/v1/things")


@blp.route("")
class Things(MethodView):
    @blp.arguments(ThingSchema)
    @blp.response(201, ThingSchema)
    @require_token
    def post(self, thing):
        return thing


@blp.route("/boom")
class Boom(MethodView):
    def get(self):
        raise RuntimeError("secret internals")


def create_app(settings: CommonSettings | None = None, ready=None) -> Flask:
    settings = settings or CommonSettings(
        api_tokens={"s3cret-token": "editor"}, max_body_bytes=2048
    )
    app = flask_app(__name__, settings)
    init_http(app, "demo", ready_checks=ready or {})
    api = create_api(app, "Demo", gateway_prefix="/api/demo")
    api.register_blueprint(blp)
    return app


def create_app_from_env() -> Flask:
    """What a service's gunicorn target does: settings from the environment first."""
    return create_app(load_or_exit(CommonSettings.from_env))
