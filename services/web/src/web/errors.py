"""Friendly HTML error pages for readers; JSON problems stay for the operational endpoints."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from portalkit.errors import http_exception_response
from portalkit.problems import problem
from web.api_client import NotFound, Unavailable

log = logging.getLogger(__name__)
MACHINE_PATHS = ("/healthz", "/readyz", "/metrics", "/beacon/")


def _for_machines() -> bool:
    return request.path.startswith(MACHINE_PATHS)


def error_page(status: int, headers: dict[str, str] | None = None) -> Response:
    """The HTML page for ``status`` (404, 503, 500 and the rest)."""
    try:
        body = render_template("error.html", status=status)
    except Exception:
        log.exception("the error page itself failed")
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    response = Response(body, status=status, mimetype="text/html")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    """Registered after ``init_http`` so these handlers take precedence for pages."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        if _for_machines():
            return http_exception_response(exc)
        headers = {}
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        return error_page(exc.code or 500, headers)

    @app.errorhandler(NotFound)
    def _not_found(_exc: NotFound) -> Response:
        if _for_machines():
            return problem(404)
        return error_page(404)

    @app.errorhandler(Unavailable)
    def _unavailable(exc: Unavailable) -> Response:
        log.warning("page unavailable: %s", exc)
        if _for_machines():
            return problem(503, "a backing service is unavailable", headers={"Retry-After": "5"})
        return error_page(503, {"Retry-After": "30"})

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        if _for_machines():
            return problem(500, "an unexpected error occurred; it has been logged")
        return error_page(500)
