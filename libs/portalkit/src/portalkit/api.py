"""flask-smorest wiring: OpenAPI from the marshmallow schemas, errors as problem+json."""

from __future__ import annotations

import http
import re
from typing import Any
from urllib.parse import urlsplit

import flask_smorest
import marshmallow as ma
from apispec import BasePlugin
from flask import Flask, Request, current_app, json, request
from flask_smorest import abort
from flask_smorest.utils import prepare_response
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest, HTTPException

from portalkit.api_docs import docs_blueprint
from portalkit.cors import init_cors
from portalkit.errors import http_exception_response
from portalkit.etags import init_etags
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


class NotFoundDocumented(BasePlugin):
    """Every operation whose path names a resource (``/v1/articles/{article_id}``) may
    answer 404: say so in the document."""

    def operation_helper(self, path: str | None = None, operations=None, **kwargs: Any) -> None:
        if not path or "{" not in path:
            return
        for operation in (operations or {}).values():
            operation.setdefault("responses", {}).setdefault("404", "NOT_FOUND")


class ConditionalReadsDocumented(BasePlugin):
    """Every read under ``/v1/`` has an ETag and answers 304 to a matching If-None-Match
    (:mod:`portalkit.etags`): say so in the document."""

    def operation_helper(self, path: str | None = None, operations=None, **kwargs: Any) -> None:
        if not path or not path.startswith("/v1/") or "get" not in (operations or {}):
            return
        operation = operations["get"]
        responses = operation.setdefault("responses", {})
        responses.setdefault("304", "NOT_MODIFIED")
        parameters = operation.setdefault("parameters", [])
        if not any(_name(p) == "If-None-Match" for p in parameters):
            parameters.append(IF_NONE_MATCH)


IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "an ETag of an earlier answer: 304 while the answer is the same",
}


def _name(parameter: Any) -> str | None:
    return parameter.get("name") if isinstance(parameter, dict) else None


class FormFieldsInBody(BasePlugin):
    """A multipart upload parsed as form fields and files is documented by flask-smorest
    as a body (the files) and OpenAPI 2 ``formData`` parameters (the fields), which
    OpenAPI 3 has no more: the fields join the multipart body."""

    def operation_helper(self, path: str | None = None, operations=None, **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            form = [p for p in operation.get("parameters", []) if _in(p) == "formData"]
            content = operation.get("requestBody", {}).get("content", {})
            if not form or "multipart/form-data" not in content:
                continue
            fields = {
                "type": "object",
                "properties": {p["name"]: p.get("schema", {}) for p in form},
            }
            required = [p["name"] for p in form if p.get("required")]
            if required:
                fields["required"] = required
            body = content["multipart/form-data"]
            body["schema"] = {"allOf": [body["schema"], fields]}
            operation["parameters"] = [p for p in operation["parameters"] if p not in form]
            if not operation["parameters"]:
                del operation["parameters"]


def _in(parameter: Any) -> str | None:
    return parameter.get("in") if isinstance(parameter, dict) else None


# The gateway names the path it serves an API under in X-Forwarded-Prefix
# (deploy/nginx/gateway.conf.template); only a plain path is believed.
_PREFIX = re.compile(r"^(/[a-z0-9-]+){1,4}$")


def served_prefix() -> str:
    """The path the gateway serves this API under for this request ('' when called
    directly), for links in answers."""
    prefix = request.headers.get("X-Forwarded-Prefix", "")
    return prefix if _PREFIX.match(prefix) else ""


class Api(flask_smorest.Api):
    """flask-smorest's Api whose errors are problem+json, in the answers and in the spec,
    and whose document names the servers it can be called at."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask, gateway_prefix: str, **kwargs: Any) -> None:
        self.gateway_prefix = gateway_prefix
        super().__init__(app, **kwargs)

    def servers(self) -> list[dict[str, str]]:
        """Where the operations can be called: where this document was asked for (directly,
        or under the gateway's prefix), then the portal's public address when set."""
        here = served_prefix() or "/"
        servers = [{"url": here, "description": "where this document was fetched"}]
        public_url = current_app.config.get("PUBLIC_URL")
        if public_url:
            servers.append(
                {"url": public_url + self.gateway_prefix, "description": "the portal's gateway"}
            )
        return servers

    def _openapi_json(self) -> Any:
        document = {**self.spec.to_dict(), "servers": self.servers()}
        response = current_app.response_class(
            json.dumps(document, indent=2, sort_keys=False), mimetype="application/json"
        )
        response.vary.add("X-Forwarded-Prefix")
        return response

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


def create_api(
    app: Flask, title: str, description: str = "", version: str = "1.0.0", *, gateway_prefix: str
) -> Api:
    """Bind an Api serving ``/openapi.json`` and interactive docs at ``/docs``, its public
    reads open to the browsers of ``CORS_ORIGINS`` and answered 304 when unchanged.

    ``gateway_prefix`` is the path the gateway serves this API under (``/api/articles``):
    with ``PUBLIC_URL`` it makes the document's public server.
    """
    app.config.setdefault("API_TITLE", title)
    app.config.setdefault("API_VERSION", version)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    spec_kwargs = {
        "info": {"description": description},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "extra_plugins": [NotFoundDocumented(), ConditionalReadsDocumented(), FormFieldsInBody()],
    }
    api = Api(app, gateway_prefix, spec_kwargs=spec_kwargs)
    public_url = app.config.get("PUBLIC_URL")
    public_origin = _origin(public_url) if public_url else None
    app.register_blueprint(docs_blueprint(title, (public_origin,) if public_origin else ()))
    init_cors(app, app.config.get("CORS_ORIGINS", ()))
    init_etags(app)
    return api


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


BEARER = [{"bearer": []}]


def scoped(*scopes: str) -> dict[str, Any]:
    """The OpenAPI doc of an operation a token with any one of ``scopes`` may call:
    ``security`` lists one alternative per scope, ``x-scopes`` the scopes themselves.
    Given to ``blp.doc(**scoped(...))`` beside the ``require_scope`` that enforces them."""
    return {"security": [{"bearer": [scope]} for scope in scopes], "x-scopes": list(scopes)}
