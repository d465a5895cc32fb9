"""Every API's OpenAPI document and ``/docs`` page, alike for articles, counter and weather:
valid OpenAPI, servers that work directly and behind the gateway, 404s documented, and a
docs page whose every asset comes from the API itself."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

import articles.app
import articles.settings
import counter.app
import counter.settings
import weather.app
import weather.settings
from portalkit.api_docs import SWAGGER_UI

SERVICES = {
    "articles": (articles.app, articles.settings.Settings, "/api/articles"),
    "counter": (counter.app, counter.settings.Settings, "/api/views"),
    "weather": (weather.app, weather.settings.Settings, "/api/weather"),
}


@pytest.fixture(params=sorted(SERVICES))
def service(request, tmp_path, redis_url):
    """(app, gateway prefix) of each API, its portal at https://tin.yenbai.example."""
    module, settings_class, prefix = SERVICES[request.param]
    environ = {
        "PUBLIC_URL": "https://tin.yenbai.example",
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'articles.db'}",
        "MEDIA_STORAGE": (tmp_path / "media").as_uri(),
    }
    app = module.create_app(settings_class.from_env(environ))
    return app, prefix


def test_each_document_is_valid_openapi(service):
    app, _prefix = service
    document = app.test_client().get("/openapi.json").get_json()

    validate(document)
    assert document["openapi"].startswith("3.")


def test_each_document_names_where_it_was_fetched_then_the_public_gateway(service):
    app, prefix = service
    client = app.test_client()

    direct = client.get("/openapi.json").get_json()["servers"]
    behind = client.get("/openapi.json", headers={"X-Forwarded-Prefix": prefix}).get_json()
    forged = client.get("/openapi.json", headers={"X-Forwarded-Prefix": "//evil.example"})

    assert [s["url"] for s in direct] == ["/", "https://tin.yenbai.example" + prefix]
    assert [s["url"] for s in behind["servers"]] == [prefix, "https://tin.yenbai.example" + prefix]
    assert forged.get_json()["servers"][0]["url"] == "/"
    assert "X-Forwarded-Prefix" in forged.headers["Vary"]


def test_without_a_public_url_only_the_fetched_server_is_named(tmp_path):
    app = counter.app.create_app(counter.settings.Settings.from_env({}))

    servers = app.test_client().get("/openapi.json").get_json()["servers"]

    assert servers == [{"url": "/", "description": "where this document was fetched"}]


def test_every_operation_on_a_named_resource_documents_its_404(service):
    app, _prefix = service
    document = app.test_client().get("/openapi.json").get_json()

    with_ids = {
        (path, method): operation["responses"]
        for path, item in document["paths"].items()
        if "{" in path
        for method, operation in item.items()
        if method != "parameters"
    }

    assert with_ids
    assert {key for key, responses in with_ids.items() if "404" not in responses} == set()
    not_found = document["components"]["responses"]["NOT_FOUND"]
    assert "application/problem+json" in not_found["content"]


def test_the_docs_page_loads_swagger_ui_from_the_api_itself(service):
    app, _prefix = service
    client = app.test_client()

    page = client.get("/docs")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "https://" not in html and "http://" not in html  # nothing from a CDN
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith("/") for s in sources)  # relative: gateway-safe
    for source in sources:
        asset = client.get("/" + source)
        assert asset.status_code == 200, source
    assert 'data-spec="openapi.json"' in html
    assert f"docs/{SWAGGER_UI}/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_swagger_ui_assets_are_kept_a_year_and_unknown_ones_are_problems(service):
    app, _prefix = service
    client = app.test_client()

    bundle = client.get(f"/docs/{SWAGGER_UI}/swagger-ui-bundle.js")
    missing = client.get(f"/docs/{SWAGGER_UI}/../../api.py")

    assert bundle.status_code == 200
    assert "max-age=31536000" in bundle.headers["Cache-Control"]
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
