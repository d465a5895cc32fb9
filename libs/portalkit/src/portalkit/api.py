"""flask-smorest wiring: OpenAPI from the marshmallow schemas, errors as problem+json."""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
import marshmallow as ma
from apispec import BasePlugin
from flask import Flask, Request
from flask_smorest import abort
from flask_smorest.utils import prepare_response
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest, HTTPException

from portalkit.errors import http_exception_response
from portalkit.json_limits import JSONTooComplex, NumberOutOfRange, bounded_loads
from portalkit.problems import PROBLEM_MIMETYPE


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every error is answered."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.Dict(metadata={"description": "field -> messages, for validation errors"})


class BoundedParser(FlaskParser):
    """webargs' parser reading JSON bodies within :mod:`portalkit.json_limits`."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return missing
        try:
            return bounded_loads(req.get_data(cache=True))
        except NumberOutOfRange as exc:
            abort(422, messages={"json": exc.errors})
        except JSONTooComplex as exc:
            raise BadRequest(f"the JSON body is refused: {exc}") from None


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint whose arguments are parsed by :class:`BoundedParser`."""

    ARGUMENTS_PARSER = BoundedParser()


class Api(flask_smorest.Api):
    """flask-smorest's Api whose errors are problem+json, in the answers and in the spec."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        return http_exception_response(error)

    def _register_responses(self) -> None:
        # flask-smorest documents errors as application/json; ours are problem+json.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class FormFieldsInMultipart(BasePlugin):
    """Text fields of a multipart upload (``location="form"`` beside ``"files"``) into the
    upload's request body: flask-smorest documents them as OpenAPI 2 ``formData``
    parameters, which an OpenAPI 3 document may not have."""

    def operation_helper(self, path=None, operations=None, **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            form = [p for p in operation.get("parameters", []) if p.get("in") == "formData"]
            content = operation.get("requestBody", {}).get("content", {})
            if not form or "multipart/form-data" not in content:
                continue
            body = content["multipart/form-data"]
            fields = {
                "type": "object",
                "properties": {
                    p["name"]: {
                        **p["schema"],
                        **({"description": p["description"]} if "description" in p else {}),
                    }
                    for p in form
                },
            }
            required = [p["name"] for p in form if p.get("required")]
            if required:
                fields["required"] = required
            body["schema"] = {"allOf": [body["schema"], fields]}
            operation["parameters"] = [p for p in operation["parameters"] if p not in form]
            if not operation["parameters"]:
                del operation["parameters"]


def create_api(app: Flask, title: str, description: str = "", version: str = "1.0.0") -> Api:
    """Bind an Api serving ``/openapi.json`` and interactive docs at ``/docs``."""
    app.config.setdefault("API_TITLE", title)
    app.config.setdefault("API_VERSION", version)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault(
        "OPENAPI_SWAGGER_UI_URL",
        app.config.get("DOCS_CDN", "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"),
    )
    spec_kwargs = {
        "info": {"description": description},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
    spec_kwargs["extra_plugins"] = [FormFieldsInMultipart()]
    api = Api(app, spec_kwargs=spec_kwargs)
    return api


BEARER = [{"bearer": []}]


def scoped(*scopes: str) -> dict[str, Any]:
    """The OpenAPI doc of an operation a token with any one of ``scopes`` may call:
    ``security`` lists one alternative per scope, ``x-scopes`` the scopes themselves.
    Given to ``blp.doc(**scoped(...))`` beside the ``require_scope`` that enforces them."""
    return {"security": [{"bearer": [scope]} for scope in scopes], "x-scopes": list(scopes)}
