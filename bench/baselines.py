"""The two baselines every scenario is compared with, served by the same gunicorn settings.

``bare_app``: a Flask endpoint that answers a small JSON body and does nothing else, the
ceiling of any Flask route on this machine. ``incr_app``: the same plus one Redis
``INCR`` through portalkit's client, the floor of a route that must reach Redis once
(a counted view is exactly that, plus validation and screening).

gunicorn imports them from the repository root: ``"bench.baselines:bare_app()"``.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify

from portalkit.redis_client import connect

INCR_KEY = "bench:baseline:hits"


def bare_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return jsonify(ok=True)

    return app


def incr_app() -> Flask:
    app = Flask(__name__)
    client = connect(os.environ["REDIS_URL"])

    @app.get("/")
    def incr():
        return jsonify(hits=client.incr(INCR_KEY))

    return app
