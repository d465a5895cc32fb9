"""``/healthz`` (the process answers), ``/readyz`` (its backing services answer) and
``/metrics`` (Prometheus text) on a Flask app."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, jsonify

from portalkit.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

ReadyCheck = Callable[[], Any]
"""Raises when a backing service does not answer."""


def register_probes(
    app: Flask, service: str, checks: Mapping[str, ReadyCheck], metrics: Metrics
) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", service=service)

    @app.get("/readyz")
    def readyz() -> Response:
        ok, results = readiness(checks)
        response = jsonify(status="ok" if ok else "unavailable", checks=results)
        response.status_code = 200 if ok else 503
        return response

    @app.get("/metrics")
    def metrics_view() -> Response:
        return Response(metrics.render(), mimetype=CONTENT_TYPE.split(";")[0])


def readiness(checks: Mapping[str, ReadyCheck]) -> tuple[bool, dict[str, str]]:
    """Run every check: whether all passed, and ``ok`` or ``unavailable`` by name."""
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = "unavailable"
    return all(result == "ok" for result in results.values()), results
