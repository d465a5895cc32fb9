"""The Flask app every service is built on: conditional reads, and the sync check of
views and hooks that is worked out once per function."""

from __future__ import annotations

import pytest
from demo_app import create_app
from flask import Response

from portalkit.app import PortalFlask
from portalkit.http import body_etag, json_answer


@pytest.fixture
def app():
    app = create_app()
    app.add_url_rule("/v1/plain", "plain", lambda: {"name": "Yên Bái"})
    return app


def test_a_json_read_has_an_etag_and_if_none_match_with_it_is_304(app):
    client = app.test_client()
    first = client.get("/v1/plain")
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert first.get_json() == {"name": "Yên Bái"}

    again = client.get("/v1/plain", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == tag
    assert client.get("/v1/plain", headers={"If-None-Match": '"other"'}).status_code == 200


def test_if_match_that_does_not_match_a_read_is_412(app):
    client = app.test_client()
    assert client.get("/v1/plain", headers={"If-Match": '"other"'}).status_code == 412


def test_a_read_without_conditions_is_answered_whole(app):
    response = app.test_client().get("/v1/plain")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(response.data))


def test_sync_functions_are_used_as_they_are():
    app = PortalFlask(__name__)

    def view():
        return "ok"

    class Resource:
        def get(self):
            return "ok"

    assert app.ensure_sync(view) is view
    methods = [Resource().get for _ in range(50)]
    assert all(app.ensure_sync(method) is method for method in methods)
    assert len(app._coroutine_code) == 2  # one entry per function, not per instance


def test_coroutines_are_handed_to_async_to_sync_every_time(monkeypatch):
    app = PortalFlask(__name__)
    monkeypatch.setattr(app, "async_to_sync", lambda func: ("wrapped", func))

    async def view():
        return "ok"

    assert app.ensure_sync(view) == ("wrapped", view)
    assert app.ensure_sync(view) == ("wrapped", view)


def test_a_kept_etag_is_the_one_the_hook_would_have_given(app):
    body = '{"name":"Yên Bái"}\n'.encode()
    hashed = Response(body, mimetype="application/json")
    hashed.add_etag()
    assert body_etag(body) == hashed.headers["ETag"]

    app.add_url_rule("/v1/kept", "kept", lambda: json_answer(body, etag='"kept-1"'))
    client = app.test_client()
    assert client.get("/v1/kept").headers["ETag"] == '"kept-1"'
    assert client.get("/v1/kept", headers={"If-None-Match": '"kept-1"'}).status_code == 304
