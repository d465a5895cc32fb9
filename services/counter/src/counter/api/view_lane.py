"""``POST /v1/views`` and ``GET /v1/views?ids=`` in WSGI, in front of Flask: the portal's
two busiest counter routes, lean.

Every article page a reader opens sends one view, and every list of articles the web
shows asks for the counts of its articles. Answered by Flask, most of such a request's
Python time was Flask's own (the request context, URL matching, the hooks, the
arguments and response schemas, the response object; ``make bench`` and py-spy in
BENCHMARKS.md). This lane answers a plain view (``Content-Type: application/json``, a
length within the limit, a body the plain rules accept: what the web's beacon sends)
and a plain count (``ids=`` and up to ``MAX_IDS`` ids written plainly, with no
condition (``If-None-Match``, ...), from an API not open to browsers (no
``CORS_ORIGINS``): what the web asks) with the same
conventions as every route: the request id kept or made, echoed and set for logs; the
request counted and timed in ``http_requests_total`` and the latency histogram as
``/v1/views``; ``counter_views_total`` by result; the same JSON answer, byte for byte,
with the ETag the conditional-read hook would give a count; ``Vary: Origin`` when CORS is on.

Everything else goes on to Flask unchanged: another method or path, another body or
query (the schema gives its errors), a conditional read, the reads of an API open to
browsers (flask-cors answers them), and any fault
while counting or reading. A fault is handed on with the request (the body, its id and
clock) and raised again inside Flask, so its answer (429 with ``Retry-After``, 503 when
Redis is down) comes from the app's one set of error handlers, and nothing is counted
twice. Tests hold both paths to the same answers.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import Flask
from prometheus_client import Counter

from counter.api.schemas import MAX_IDS
from counter.api.view_fields import MAX_ARTICLE_ID, VIEW, load_plain
from counter.counting import Outcome, View, ViewCounter
from counter.visitors import client_address
from portalkit.etags import carries_condition
from portalkit.http import (
    REQUEST_ID_KEY,
    STARTED_KEY,
    body_etag,
    count_request,
    json_bytes,
    request_id,
)
from portalkit.logging import request_id_var
from portalkit.metrics import Metrics

PATH = "/v1/views"
FAULT_KEY = "counter.view_fault"
"""Where a fault met while counting waits for Flask to raise it again."""

StartResponse = Callable[..., Any]
Headers = list[tuple[str, str]]
T = TypeVar("T")

_PLAIN_IDS = re.compile(r"ids=([1-9][0-9]{0,15}(?:,[1-9][0-9]{0,15})*)")
"""A query of ids written plainly: digits without a leading zero, commas, nothing else."""


def plain_view(data: bytes) -> dict[str, Any] | None:
    """A view body loaded by the plain rules, or None: the schema then decides."""
    try:
        item = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return load_plain(VIEW, item)


def plain_ids(query: str) -> list[int] | None:
    """The article ids of a counts query written plainly, or None: the schema then
    decides (its errors, and anything it reads that these rules do not)."""
    match = _PLAIN_IDS.fullmatch(query)
    if match is None:
        return None
    ids = [int(text) for text in match.group(1).split(",")]
    if len(ids) > MAX_IDS or max(ids) > MAX_ARTICLE_ID:
        return None
    return ids


def count_view(service: ViewCounter, environ: dict[str, Any], body: dict[str, Any]) -> Outcome:
    """Record the view of ``body`` by the reader who sent the request of ``environ``."""
    address = client_address(
        environ.get("REMOTE_ADDR"),
        environ.get("HTTP_X_FORWARDED_FOR"),
        service.settings.trusted_proxies,
    )
    view = View(
        article_id=body["article_id"],
        address=address,
        user_agent=environ.get("HTTP_USER_AGENT", ""),
        visitor_id=body.get("visitor_id"),
    )
    [outcome] = service.record([view], rate_limit_address=address)
    return outcome


def count_outcome(metrics: Metrics, views_metric: Counter, outcome: Outcome) -> None:
    """``counter_views_total`` by result: counted, or the reason not."""
    metrics.child(views_metric, outcome.reason or "counted").inc()


def count_results(metrics: Metrics, views_metric: Counter, results: Mapping[str, int]) -> None:
    """``counter_views_total`` from a number of views per result."""
    for result, number in results.items():
        metrics.child(views_metric, result).inc(number)


def answer_of(outcome: Outcome) -> dict[str, Any]:
    """The view's answer (``ViewResultSchema``): the outcome's fields by name."""
    return outcome._asdict()


class ViewLane:
    """The WSGI app in front of the counter's Flask app (see the module)."""

    def __init__(
        self,
        app: Flask,
        service: ViewCounter,
        metrics: Metrics,
        views_metric: Counter,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.flask = app.wsgi_app
        self.service = service
        self.metrics = metrics
        self.views_metric = views_metric
        self.max_body_bytes = max_body_bytes
        self.cors = bool(app.config.get("CORS_ORIGINS"))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            return self.flask(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            return self._counts(environ, start_response)
        if method != "POST":
            return self.flask(environ, start_response)
        environ[STARTED_KEY] = time.perf_counter()
        data = self._read(environ)
        body = None if data is None else plain_view(data)
        if body is None:
            return self.flask(environ, start_response)
        return self._answer(
            environ,
            start_response,
            lambda: count_view(self.service, environ, body),
            self._view_answer,
        )

    def _view_answer(self, outcome: Outcome) -> tuple[bytes, Headers]:
        count_outcome(self.metrics, self.views_metric, outcome)
        return json_bytes(answer_of(outcome), self.app), []

    def _counts(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """``GET /v1/views?ids=``: a plain query answered here, any other by Flask."""
        ids = plain_ids(environ.get("QUERY_STRING", ""))
        # flask-cors answers every read of an API open to browsers (with or without an
        # Origin), so such an API's counts are left to it.
        if ids is None or carries_condition(environ) or self.cors:
            return self.flask(environ, start_response)
        environ[STARTED_KEY] = time.perf_counter()
        return self._answer(
            environ, start_response, lambda: self.service.counts(ids), self._counts_answer
        )

    def _counts_answer(self, counts: Mapping[int, int]) -> tuple[bytes, Headers]:
        """The counts' JSON answer as Flask writes it (``CountsSchema``), with the ETag the
        conditional-read hook gives it (``portalkit.etags``: a hash of its bytes)."""
        data = {"counts": {str(article_id): views for article_id, views in counts.items()}}
        answer = json_bytes(data, self.app)
        return answer, [("ETag", body_etag(answer))]

    def _answer(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        work: Callable[[], T],
        reply: Callable[[T], tuple[bytes, Headers]],
    ) -> Iterable[bytes]:
        """Run ``work`` (what Redis is asked) under the request's id, kept or made; a
        fault goes on to Flask with the request, to be raised again there. Otherwise
        answer 200 with the JSON bytes and headers ``reply`` makes of what it gave, the
        request's id, and the request counted and timed as every route's is."""
        rid = environ[REQUEST_ID_KEY] = request_id(environ)
        token = request_id_var.set(rid)
        try:
            done = work()
        except Exception as exc:  # answered by the app's error handlers
            environ[FAULT_KEY] = exc
            return self.flask(environ, start_response)
        finally:
            request_id_var.reset(token)
        answer, extra = reply(done)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(answer))),
            *extra,
            ("X-Request-ID", rid),
        ]
        if self.cors:
            headers.append(("Vary", "Origin"))
        count_request(self.metrics, environ, PATH, 200)
        start_response("200 OK", headers)
        return [answer]

    def _read(self, environ: dict[str, Any]) -> bytes | None:
        """The body of a JSON request of known length within the limit, else None (and
        the request is left for Flask). A body read is put back for whoever reads next."""
        kind = environ.get("CONTENT_TYPE", "")
        if kind != "application/json" and kind.partition(";")[0].strip() != "application/json":
            return None
        length = environ.get("CONTENT_LENGTH", "")
        size = int(length) if length.isdigit() else 0
        if not 0 < size <= self.max_body_bytes:
            return None
        data: bytes = environ["wsgi.input"].read(size)
        environ["wsgi.input"] = io.BytesIO(data)
        return data if len(data) == size else None
