"""The HTTP conventions every Flask app of the portal follows (see docs/api.md).

:func:`init_http` gives an app: problem+json for every error, ``X-Request-ID`` kept or
made and echoed, ``/healthz``, ``/readyz`` with pluggable checks, ``/metrics``, a body
size limit, JSON bodies read within limits (:mod:`portalkit.json_limits`), and (for JSON
APIs) 415 for a body that is not JSON.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Request, Response, current_app, request
from werkzeug.http import generate_etag, quote_etag

from portalkit.errors import register_error_handlers
from portalkit.extensions import AppSlot
from portalkit.json_limits import init_json_limits
from portalkit.logging import request_id_var
from portalkit.metrics import Metrics
from portalkit.probes import ReadyCheck, register_probes
from portalkit.problems import problem

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Per-request state kept in the WSGI environ (cheaper than flask.g on every request).
# A WSGI fast path in front of Flask (the counter's views) sets the first and the last
# before it hands a request on, so the request keeps its id and its clock.
REQUEST_ID_KEY = "portalkit.request_id"
STARTED_KEY = "portalkit.started"
_TOKEN = "portalkit.request_id_token"  # noqa: S105 (a contextvars token, not a secret)

app_metrics = AppSlot[Metrics]("portalkit.metrics")
"""The app's metrics registry: ``app_metrics()`` in a request, ``app_metrics(app)`` outside."""


@dataclass(frozen=True)
class BodyLimits:
    """The largest request body in bytes: one for every endpoint, some with their own."""

    default: int
    by_endpoint: Mapping[str, int] = field(default_factory=dict)

    def of(self, endpoint: str | None) -> int:
        if not self.by_endpoint or endpoint is None:
            return self.default
        return self.by_endpoint.get(endpoint, self.default)

    @property
    def largest(self) -> int:
        return max([self.default, *self.by_endpoint.values()])


def init_http(
    app: Flask,
    service: str,
    *,
    ready_checks: dict[str, ReadyCheck] | None = None,
    json_api: bool = True,
    unavailable: Iterable[type[BaseException]] = (),
    max_body_bytes: int | None = None,
    body_limits: Mapping[str, int] | None = None,
    form_endpoints: Collection[str] = (),
) -> Metrics:
    """Apply the conventions to ``app``; returns its metrics for service counters.

    ``max_body_bytes`` limits every request body; ``body_limits`` gives some endpoints
    (by endpoint name, e.g. ``"views.BatchViews"``) a limit of their own. A JSON API's
    ``form_endpoints`` take bodies that are not JSON (a file upload) and check them.
    """
    metrics = app_metrics.init_app(app, Metrics(service))
    default = max_body_bytes or app.config.get("MAX_BODY_BYTES", 1024 * 1024)
    limits = BodyLimits(default, dict(body_limits or {}))
    app.config["MAX_CONTENT_LENGTH"] = limits.largest
    app.before_request(request_start_hook(limits, json_api, frozenset(form_endpoints)))
    app.after_request(request_end_hook(metrics))
    app.teardown_request(reset_request_id)
    init_json_limits(app)
    register_error_handlers(app, unavailable)
    register_probes(app, service, dict(ready_checks or {}), metrics)
    return metrics


def current_request_id() -> str | None:
    """The request id of the request being served (for logs and outgoing calls)."""
    return request_id_var.get()


# The hooks below run on every request, so they read the WSGI environ once instead of
# going through the ``request`` proxy for each header.


def request_start_hook(
    limits: BodyLimits, json_api: bool, forms: frozenset[str] = frozenset()
) -> Callable[[], Response | None]:
    """The ``before_request`` hook: request id, start time, and the body's size and type."""

    def start() -> Response | None:
        req = request._get_current_object()  # type: ignore[attr-defined]
        environ = req.environ
        # A WSGI fast path that hands a request on has set its id and clock already.
        rid = environ.get(REQUEST_ID_KEY) or request_id(environ)
        environ[REQUEST_ID_KEY] = rid
        environ[_TOKEN] = request_id_var.set(rid)
        environ.setdefault(STARTED_KEY, time.perf_counter())
        if environ["REQUEST_METHOD"] in _BODY_METHODS:
            json_only = json_api and req.endpoint not in forms
            return refuse_body(req, limits.of(req.endpoint), json_only)
        return None

    return start


def refuse_body(req: Request, allowed: int, json_api: bool) -> Response | None:
    """413 for a body over ``allowed`` bytes, 415 for a non-JSON body to a JSON API."""
    req.max_content_length = allowed
    length = req.content_length
    if length is not None and length > allowed:
        return problem(413, f"the request body is larger than {allowed} bytes")
    chunked = "chunked" in req.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if length is None and chunked and _buffer_chunked_body(allowed):
        return problem(413, f"the request body is larger than {allowed} bytes")
    if json_api and req.content_length and not _is_json(req.mimetype):
        return problem(415, "the request body must be JSON (Content-Type: application/json)")
    return None


def request_end_hook(metrics: Metrics) -> Callable[[Response], Response]:
    """The ``after_request`` hook: echo the request id, count the request and its time."""

    def finish(response: Response) -> Response:
        req = request._get_current_object()  # type: ignore[attr-defined]
        environ = req.environ
        rid = environ.get(REQUEST_ID_KEY)
        if rid:
            response.headers["X-Request-ID"] = rid
        rule = req.url_rule
        endpoint = rule.rule if rule is not None else "unmatched"
        if endpoint != "/metrics":
            count_request(metrics, environ, endpoint, response.status_code)
        return response

    return finish


def request_id(environ: Mapping[str, Any]) -> str:
    """The request's ``X-Request-ID`` when it is a sane one, else a new one."""
    incoming = environ.get("HTTP_X_REQUEST_ID")
    return incoming if incoming and _REQUEST_ID.match(incoming) else os.urandom(16).hex()


def count_request(metrics: Metrics, environ: dict[str, Any], endpoint: str, status: int) -> None:
    """Count a request answered with ``status`` and observe its time since it started
    (the start hook's clock, ``portalkit.started`` in the environ)."""
    method = environ["REQUEST_METHOD"]
    if method not in _METHODS:
        method = "other"  # any word is a method to HTTP; keep the label set bounded
    metrics.child(metrics.requests, endpoint, method, str(status)).inc()
    started = environ.get(STARTED_KEY)
    if started is not None:
        metrics.child(metrics.latency, endpoint).observe(time.perf_counter() - started)


def reset_request_id(_exc: BaseException | None) -> None:
    """The ``teardown_request`` hook: the request id no longer applies."""
    token = request.environ.pop(_TOKEN, None)
    if token is not None:
        request_id_var.reset(token)


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


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


def fresh_requested() -> bool:
    """The client asked for the current state, not one a process read a moment ago:
    ``Cache-Control: no-cache`` or ``max-age=0`` (what the web sends when it fills its
    own caches, which events invalidate)."""
    if "HTTP_CACHE_CONTROL" not in request.environ:
        return False
    control = request.cache_control
    return bool(control.no_cache) or control.max_age == 0


def given(values: Mapping[str, str], key: str) -> str | None:
    """``values.get(key)`` for a request's ``args``, ``form`` or ``cookies``, without the
    exception werkzeug raises and catches for a missing key: an HTTP error object built
    on each lookup, a few microseconds of every page hit that asks for an absent one."""
    return values[key] if key in values else None  # noqa: SIM401 (the point of it)


def request_cookie(name: str) -> str | None:
    """The request's cookie ``name``. A request without a ``Cookie`` header (a first visit,
    a crawler) is not parsed for cookies: werkzeug walks the whole environ to find it."""
    if "HTTP_COOKIE" not in request.environ:
        return None
    return given(request.cookies, name)


def add_missing_headers(response: Response, headers: Iterable[tuple[str, str]]) -> None:
    """``response.headers.setdefault`` for each pair, without werkzeug's exception for
    each absent name (the usual case)."""
    present = set(response.headers.keys(lower=True))
    for name, value in headers:
        if name.lower() not in present:
            response.headers.add(name, value)


def add_vary(response: Response, name: str) -> None:
    """``response.vary.add(name)``, without werkzeug's exception when ``Vary`` is absent."""
    if response.headers.getlist("Vary"):
        response.vary.add(name)
    else:
        response.headers["Vary"] = name


def json_bytes(data: Any, app: Flask | None = None) -> bytes:
    """``data`` as the app's ``jsonify`` writes it (compact, newline-terminated), as bytes:
    for answers that are kept and sent again. ``app`` defaults to the current one."""
    return ((app or current_app).json.dumps(data, separators=(",", ":")) + "\n").encode()


def json_answer(body: bytes, etag: str | None = None) -> Response:
    """A 200 JSON response of ready ``body`` bytes (see :func:`json_bytes`); ``etag``,
    when the caller kept it with the body (:func:`body_etag`), saves hashing it again."""
    response = current_app.response_class(body, mimetype="application/json")
    if etag is not None:
        response.headers["ETag"] = etag
    return response


def body_etag(body: bytes) -> str:
    """The strong ``ETag`` the conditional-read hook would give ``body``."""
    return quote_etag(generate_etag(body))
