"""Token scopes on every API: each operation lists its scopes in the OpenAPI document, a
valid token lacking them gets 403, one holding one of them gets through, and a token
listed without scopes keeps every right."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from openapi_spec_validator import validate
from security_kit import API_TOKEN

from articles import extensions as articles_extensions
from articles.db import Database
from articles.manage import upgrade
from articles.settings import Settings as ArticlesSettings
from support.scoped_tokens import lacking, only, token_settings
from weather.settings import Settings as WeatherSettings

FULL = {"Authorization": f"Bearer {API_TOKEN}"}
TOKENS = token_settings("editor", API_TOKEN)

EXPECTED = {
    ("articles", "POST", "/v1/articles"): ("articles.write", "articles.publish"),
    ("articles", "PATCH", "/v1/articles/{article_id}"): ("articles.write", "articles.publish"),
    ("articles", "DELETE", "/v1/articles/{article_id}"): ("articles.publish",),
    ("articles", "GET", "/v1/articles/{article_id}/revisions"): ("drafts.read",),
    ("articles", "GET", "/v1/articles/{article_id}/revisions/{version}"): ("drafts.read",),
    ("articles", "POST", "/v1/articles/{article_id}/revisions/{version}/restore"): (
        "articles.publish",
    ),
    ("articles", "POST", "/v1/categories"): ("categories.write",),
    ("articles", "PATCH", "/v1/categories/{slug}"): ("categories.write",),
    ("articles", "POST", "/v1/media"): ("media.write",),
    ("articles", "PATCH", "/v1/media/{media_id}"): ("media.write",),
    ("articles", "DELETE", "/v1/media/{media_id}"): ("media.write",),
    ("counter", "PUT", "/v1/views/{article_id}"): ("counter.write",),
    ("counter", "POST", "/v1/views/batch"): ("counter.write",),
    ("weather", "POST", "/v1/weather/refresh"): ("weather.refresh",),
}


@pytest.fixture
def scoped_apis(tmp_path, redis_url, make_counter_app, provider) -> Iterator[dict[str, Flask]]:
    """The three APIs with the scoped tokens; article 1 is a draft, article 2 published."""
    from articles.app import create_app as articles_app
    from weather.app import create_app as weather_app

    url = f"sqlite:///{tmp_path / 'articles.db'}"
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    articles = articles_app(
        ArticlesSettings(database_url=url, redis_url=redis_url, log_level="WARNING", **TOKENS)
    )
    client = articles.test_client()
    assert client.post("/v1/categories", json={"slug": "kinh-te", "name": "Kinh tế"}, headers=FULL)
    for status in ("draft", "published"):
        body = {"title": f"Bài {status}", "category": "kinh-te", "status": status}
        assert client.post("/v1/articles", json=body, headers=FULL).status_code == 201
    weather = weather_app(
        WeatherSettings(
            redis_url=redis_url, open_meteo_url=provider.url, log_level="WARNING", **TOKENS
        )
    )
    yield {"articles": articles, "counter": make_counter_app(**TOKENS), "weather": weather}
    articles_extensions.database(articles).dispose()


def _call(app: Flask, method: str, path: str, headers: dict[str, str]):
    path = re.sub(r"\{(?:[a-z_]*id|version)\}", "1", path)
    path = re.sub(r"\{[a-z_]+\}", "kinh-te", path)
    body = None if method in ("GET", "DELETE") else {}
    return app.test_client().open(path, method=method, json=body, headers=headers)


def test_every_operation_lists_its_scopes_in_a_valid_openapi_document(scoped_apis):
    listed = {}
    for service, app in scoped_apis.items():
        spec = app.test_client().get("/openapi.json").get_json()
        validate(spec)
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "x-scopes" in operation:
                    scopes = tuple(operation["x-scopes"])
                    assert operation["security"] == [{"bearer": [s]} for s in scopes]
                    listed[(service, method.upper(), path)] = scopes
    for operation, scopes in EXPECTED.items():
        assert listed.get(operation) == scopes, operation


@pytest.mark.parametrize(("service", "method", "path"), list(EXPECTED))
def test_a_token_lacking_the_scopes_of_an_operation_gets_403(scoped_apis, service, method, path):
    scopes = EXPECTED[(service, method, path)]
    response = _call(scoped_apis[service], method, path, lacking(*scopes))
    assert response.status_code == 403, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert scopes[0] in response.get_json()["detail"]


@pytest.mark.parametrize(("service", "method", "path"), list(EXPECTED))
def test_a_token_with_one_of_the_scopes_gets_past_the_check(scoped_apis, service, method, path):
    for scope in EXPECTED[(service, method, path)]:
        response = _call(scoped_apis[service], method, path, only(scope))
        assert response.status_code not in (401, 403), response.get_data(as_text=True)


@pytest.mark.parametrize(("service", "method", "path"), list(EXPECTED))
def test_a_token_listed_without_scopes_keeps_every_right(scoped_apis, service, method, path):
    response = _call(scoped_apis[service], method, path, FULL)
    assert response.status_code not in (401, 403), response.get_data(as_text=True)


def test_a_token_without_drafts_read_sees_what_the_public_sees(scoped_apis):
    client = scoped_apis["articles"].test_client()
    assert client.get("/v1/articles/1", headers=only("articles.write")).status_code == 404
    assert client.get("/v1/articles/1", headers=only("drafts.read")).status_code == 200
    listed = client.get("/v1/articles", headers=only("counter.write")).get_json()
    assert [item["status"] for item in listed["items"]] == ["published"]
    refused = client.get("/v1/articles?status=draft", headers=only("counter.write"))
    assert refused.status_code == 403
    drafts = client.get("/v1/articles?status=draft", headers=only("drafts.read")).get_json()
    assert [item["id"] for item in drafts["items"]] == [1]
