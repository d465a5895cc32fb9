"""Every error of a Flask app answered as problem+json: HTTP errors, a backing service
that is down (503 with ``Retry-After``), and anything unexpected (500, logged)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from portalkit.auth import Unauthorized, unauthorized_response
from portalkit.problems import flatten_field_errors, problem
from portalkit.redis_errors import is_redis_trouble

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5


def register_error_handlers(app: Flask, unavailable: Iterable[type[BaseException]] = ()) -> None:
    """Answer errors as problems; ``unavailable`` adds exception types that mean 503.

    Redis trouble of every kind (:mod:`portalkit.redis_errors`) is a 503 too.
    """
    unavailable_types = tuple(unavailable)

    @app.errorhandler(Unauthorized)
    def _unauthorized(exc: Unauthorized) -> Response:
        return unauthorized_response(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return http_exception_response(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, unavailable_types) or is_redis_trouble(exc):
            return unavailable_response(exc)
        log.exception("unhandled error")
        return problem(500, "an unexpected error occurred; it has been logged")


def unavailable_response(exc: BaseException) -> Response:
    """503: a backing service (Redis, the database) did not answer."""
    log.warning("dependency unavailable: %s", exc)
    return problem(
        503,
        "a backing service is unavailable; try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def http_exception_response(exc: HTTPException) -> Response:
    """Turn any werkzeug/flask-smorest HTTP error into problem+json."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = None
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages is not None:
        errors = flatten_field_errors(messages)
    detail = None
    if isinstance(data, dict) and data.get("message"):
        detail = str(data["message"])
    elif exc.description and exc.description != getattr(type(exc), "description", None):
        detail = str(exc.description)
    if status == 422 and detail is None:
        detail = "some fields are invalid; see errors"
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    if isinstance(data, dict) and isinstance(data.get("headers"), dict):
        headers.update(data["headers"])
    return problem(status, detail, errors=errors, headers=headers)
