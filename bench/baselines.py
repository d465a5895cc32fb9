"""The apps every scenario is compared with, served by the same server settings.

``bare_app``: a Flask endpoint that answers a small JSON body and does nothing else, the
ceiling of any Flask route on this machine. ``incr_app``: the same plus one Redis
``INCR`` through portalkit's client, the floor of a route that must reach Redis once
(a counted view is exactly that, plus validation and screening).

``vote_app``: a peer, not a floor. A vote route of the shape of the vote service of
dockersamples/example-voting-app, written here from its description (nothing of it is
fetched): read the voter's cookie or make one, connect to Redis for the request (the
peer keeps its client on ``flask.g``, which lives one request), ``RPUSH`` the vote as
JSON, render the voting page from a template and set the cookie.

Servers import them from the repository root: ``"bench.baselines:bare_app()"``.
"""

from __future__ import annotations

import json
import os
import secrets

import redis
from flask import Flask, g, jsonify, make_response, render_template_string, request

from portalkit.redis_client import connect

INCR_KEY = "bench:baseline:hits"
VOTES_KEY = "bench:peer:votes"
VOTE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ a }} vs {{ b }}</title></head>
<body><h1>{{ a }} vs {{ b }}!</h1>
<form method="post" action="/">
  <button name="vote" value="a"{% if vote == "a" %} disabled{% endif %}>{{ a }}</button>
  <button name="vote" value="b"{% if vote == "b" %} disabled{% endif %}>{{ b }}</button>
</form>
{% if vote %}<p>Your vote is counted; you may change it.</p>{% endif %}
<p>Processed by container {{ hostname }}</p></body></html>
"""


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


def vote_app() -> Flask:
    app = Flask(__name__)
    url = os.environ["REDIS_URL"]
    hostname = os.uname().nodename

    def votes() -> redis.Redis:
        if "redis" not in g:
            g.redis = redis.Redis.from_url(url, socket_timeout=5)
        return g.redis

    @app.route("/", methods=["GET", "POST"])
    def vote():
        voter = request.cookies.get("voter_id") or secrets.token_hex(8)
        choice = None
        if request.method == "POST":
            choice = request.form["vote"]
            votes().rpush(VOTES_KEY, json.dumps({"voter_id": voter, "vote": choice}))
        page = render_template_string(VOTE_PAGE, a="Cats", b="Dogs", vote=choice, hostname=hostname)
        response = make_response(page)
        response.set_cookie("voter_id", voter)
        return response

    return app
