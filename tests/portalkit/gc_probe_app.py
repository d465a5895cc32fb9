"""A WSGI app that tells what its worker froze at start (tests/portalkit/test_serve_gc.py)."""

from __future__ import annotations

import gc
import json
import os

# Something made at import, as a service's modules and app are.
MADE_AT_START = [{"n": n} for n in range(5000)]


def app(environ, start_response):
    body = json.dumps({"frozen": gc.get_freeze_count(), "pid": os.getpid()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def create_app():
    return app
