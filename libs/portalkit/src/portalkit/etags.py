"""Conditional reads: every JSON answer of a public ``GET /v1/...`` gets an ``ETag`` (a hash
of its bytes, unless the resource set its own), and ``If-None-Match`` with it gets 304."""

from __future__ import annotations

from flask import Flask, Response, request

READS = ("GET", "HEAD")
# The request headers that can turn an answer into a 304 or a 412; without any of them
# ``make_conditional`` has nothing to decide, and the servers write ``Date`` themselves.
CONDITIONS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_RANGE",
)


def carries_condition(environ: dict) -> bool:
    """Whether the request has a header that can make its answer a 304 or a 412."""
    return any(name in environ for name in CONDITIONS)


def init_etags(app: Flask) -> None:
    app.after_request(_conditional)


def _conditional(response: Response) -> Response:
    if request.method not in READS or response.status_code != 200:
        return response
    if not request.path.startswith("/v1/") or response.mimetype != "application/json":
        return response
    if response.is_streamed:
        return response
    if "ETag" not in response.headers:
        response.add_etag()
    if not carries_condition(request.environ):
        return response
    return response.make_conditional(request.environ)
