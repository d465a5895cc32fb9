"""One JSON-lines log format for API processes, workers, relays and consumers."""

from __future__ import annotations

import contextvars
import logging
import sys
from typing import IO

from flask import has_request_context, request
from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = request_id_var.get()
        if has_request_context():
            actor = request.environ.get("portalkit.actor")
            if actor is not None and not hasattr(record, "actor"):
                record.actor = actor
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every log record to stdout as one JSON object per line."""
    handler = json_lines_handler(service, sys.stdout)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("werkzeug", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def json_lines_handler(service: str, stream: IO[str]) -> logging.Handler:
    """A handler writing records to ``stream`` in the one format: a JSON object a line,
    with the service, the request id and, in a request that named one, the actor."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
            rename_fields={
                "asctime": "ts",
                "levelname": "level",
                "name": "logger",
                "message": "msg",
            },
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )
    )
    handler.addFilter(_ContextFilter(service))
    return handler
