"""The HTTP conventions of DESIGN.md for any Flask app.

:func:`init_http` gives an app: problem+json for every error, ``X-Request-ID`` kept or
made and echoed, ``/healthz``, ``/readyz`` with pluggable checks, ``/metrics``, a body
size limit, and (for JSON APIs) 415 for a body that is not JSON.
"""

from __future__ import annotations

import io
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from portalkit.auth import Unauthorized, unauthorized_response
from portalkit.logging import request_id_var
from portalkit.metrics import CONTENT_TYPE, Metrics
from portalkit.problems import flatten_field_errors, problem
from portalkit.redis_client import UNAVAILABLE

log = logging.getLogger(__name__)

ReadyCheck = Callable[[], Any]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Per-request state kept in the WSGI environ (cheaper than flask.g on every request).
_RID, _TOKEN, _STARTED = "portalkit.request_id", "portalkit.request_id_token", "portalkit.started"


def current_request_id() -> str | None:
    """The request id of the request being served (for logs and outgoing calls)."""
    return request_id_var.get()


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


def init_http(
    app: Flask,
    service: str,
    *,
    ready_checks: dict[str, ReadyCheck] | None = None,
    json_api: bool = True,
    unavailable: Iterable[type[BaseException]] = (),
    max_body_bytes: int | None = None,
    body_limits: Mapping[str, int] | None = None,
) -> Metrics:
    """Apply the conventions to ``app``; returns its metrics for service counters.

    ``max_body_bytes`` limits every request body; ``body_limits`` gives some endpoints
    (by endpoint name, e.g. ``"views.BatchViews"``) a limit of their own.
    """
    metrics = Metrics(service)
    app.extensions["portalkit.metrics"] = metrics
    checks = dict(ready_checks or {})
    app.extensions["portalkit.ready_checks"] = checks
    limit = max_body_bytes or app.config.get("MAX_BODY_BYTES", 1024 * 1024)
    limits = dict(body_limits or {})
    app.config["MAX_CONTENT_LENGTH"] = max([limit, *limits.values()])
    unavailable_types = tuple(UNAVAILABLE) + tuple(unavailable)

    # The three hooks below run on every request, so they read the WSGI environ once
    # instead of going through the ``request`` proxy for each header.
    @app.before_request
    def _start() -> Response | None:
        req = request._get_current_object()  # type: ignore[attr-defined]
        environ = req.environ
        incoming = environ.get("HTTP_X_REQUEST_ID")
        rid = incoming if incoming and _REQUEST_ID.match(incoming) else os.urandom(16).hex()
        environ[_RID] = rid
        environ[_TOKEN] = request_id_var.set(rid)
        environ[_STARTED] = time.perf_counter()
        if environ["REQUEST_METHOD"] in _BODY_METHODS:
            allowed = limits.get(req.endpoint, limit) if limits else limit
            req.max_content_length = allowed
            length = req.content_length
            if length is not None and length > allowed:
                return problem(413, f"the request body is larger than {allowed} bytes")
            chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
            if length is None and chunked and _buffer_chunked_body(allowed):
                return problem(413, f"the request body is larger than {allowed} bytes")
            has_body = bool(req.content_length)
            if json_api and has_body and not _is_json(req.mimetype):
                return problem(
                    415, "the request body must be JSON (Content-Type: application/json)"
                )
        return None

    @app.after_request
    def _finish(response: Response) -> Response:
        req = request._get_current_object()  # type: ignore[attr-defined]
        environ = req.environ
        rid = environ.get(_RID)
        if rid:
            response.headers["X-Request-ID"] = rid
        rule = req.url_rule
        endpoint = rule.rule if rule is not None else "unmatched"
        if endpoint != "/metrics":
            method = environ["REQUEST_METHOD"]
            if method not in _METHODS:
                method = "other"  # any word is a method to HTTP; keep the label set bounded
            metrics.child(metrics.requests, endpoint, method, str(response.status_code)).inc()
            started = environ.get(_STARTED)
            if started is not None:
                metrics.child(metrics.latency, endpoint).observe(time.perf_counter() - started)
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = request.environ.pop(_TOKEN, None)
        if token is not None:
            request_id_var.reset(token)

    @app.errorhandler(Unauthorized)
    def _unauthorized(exc: Unauthorized) -> Response:
        return unauthorized_response(exc)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return http_exception_response(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, unavailable_types):
            log.warning("dependency unavailable: %s", exc)
            return problem(
                503,
                "a backing service is unavailable; try again shortly",
                headers={"Retry-After": "5"},
            )
        log.exception("unhandled error")
        return problem(500, "an unexpected error occurred; it has been logged")

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", service=service)

    @app.get("/readyz")
    def readyz() -> Response:
        results: dict[str, str] = {}
        ok = True
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as exc:
                log.warning("readiness check %s failed: %s", name, exc)
                results[name] = "unavailable"
                ok = False
        response = jsonify(status="ok" if ok else "unavailable", checks=results)
        response.status_code = 200 if ok else 503
        return response

    @app.get("/metrics")
    def metrics_view() -> Response:
        return Response(metrics.render(), mimetype=CONTENT_TYPE.split(";")[0])

    return metrics


def json_bytes(data: Any) -> bytes:
    """``data`` as the app's ``jsonify`` writes it (compact, newline-terminated), as bytes:
    for answers that are kept and sent again."""
    return (current_app.json.dumps(data, separators=(",", ":")) + "\n").encode()


def json_answer(body: bytes) -> Response:
    """A 200 JSON response of ready ``body`` bytes (see :func:`json_bytes`)."""
    return current_app.response_class(body, mimetype="application/json")


def _buffer_chunked_body(limit: int) -> bool:
    """Read a chunked body up to the limit; True when it is larger.

    werkzeug stops reading a body without a length at MAX_CONTENT_LENGTH without an
    error, so an oversized chunked body would reach the view cut short. Reading it here
    (the server has already removed the chunking) answers 413 instead, and a body within
    the limit is handed on as an ordinary one with a length.
    """
    environ = request.environ
    if not environ.get("wsgi.input_terminated"):
        return False
    data = environ["wsgi.input"].read(limit + 1)
    if len(data) > limit:
        return True
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    request.__dict__.pop("content_length", None)
    return False


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
