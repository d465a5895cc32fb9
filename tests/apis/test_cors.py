"""CORS_ORIGINS opens every API's public reads to browsers on those origins, alike for
articles, counter and weather: reads and their preflights only, never writes, never
credentials; unset, no route answers another origin."""

from __future__ import annotations

import pytest

import articles.app
import articles.settings
import counter.app
import counter.settings
import weather.app
import weather.settings
from portalkit.config import CommonSettings, ConfigError

ALLOWED = "https://ban-doc.example.vn"
OTHER = "https://evil.example"
# (app module, settings, a public read that answers without data, a write)
SERVICES = {
    "articles": (articles.app, articles.settings.Settings, "/v1/categories", "/v1/articles"),
    "counter": (counter.app, counter.settings.Settings, "/v1/views?ids=1", "/v1/views"),
    "weather": (weather.app, weather.settings.Settings, "/v1/locations", "/v1/weather/refresh"),
}


def make_client(name: str, tmp_path, redis_url: str, cors_origins: str):
    module, settings_class, _read, _write = SERVICES[name]
    environ = {
        "CORS_ORIGINS": cors_origins,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'articles.db'}",
        "MEDIA_STORAGE": (tmp_path / "media").as_uri(),
    }
    app = module.create_app(settings_class.from_env(environ))
    if name == "articles":
        from articles.extensions import database
        from articles.manage import upgrade

        upgrade(database(app).engine)
    return app.test_client()


@pytest.fixture(params=sorted(SERVICES))
def api(request, tmp_path, redis_url):
    """(client with CORS_ORIGINS naming ALLOWED and http://127.0.0.1:5173, read, write)."""
    _module, _settings, read, write = SERVICES[request.param]
    client = make_client(request.param, tmp_path, redis_url, f"{ALLOWED}, http://127.0.0.1:5173/")
    return client, read, write


def test_a_listed_origin_may_read(api):
    client, read, _write = api

    reply = client.get(read, headers={"Origin": ALLOWED})

    assert reply.status_code == 200
    assert reply.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Access-Control-Allow-Credentials" not in reply.headers
    exposed = reply.headers["Access-Control-Expose-Headers"]
    assert {"ETag", "Link", "X-Total-Count"} <= {h.strip() for h in exposed.split(",")}
    assert "Origin" in reply.headers["Vary"]


def test_another_origin_gets_no_cors_headers(api):
    client, read, _write = api

    reply = client.get(read, headers={"Origin": OTHER})

    assert reply.status_code == 200
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Origin" in reply.headers["Vary"]


def test_a_preflight_for_a_read_is_answered(api):
    client, read, _write = api

    reply = client.options(
        read.split("?")[0],
        headers={
            "Origin": "http://127.0.0.1:5173",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )

    assert reply.status_code == 200
    assert reply.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5173"
    assert set(reply.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD"}
    assert reply.headers["Access-Control-Allow-Headers"].lower() == "if-none-match"


def test_a_preflight_for_a_write_or_with_a_token_is_refused(api):
    client, _read, write = api

    write_preflight = client.options(
        write, headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"}
    )
    token_preflight = client.options(
        write,
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )

    assert not [h for h in write_preflight.headers if h[0].lower().startswith("access-control")]
    assert "Access-Control-Allow-Headers" not in token_preflight.headers


def test_a_write_never_carries_cors_headers(api):
    client, _read, write = api

    reply = client.post(write, data="{}", headers={"Origin": ALLOWED, "Content-Type": "text/plain"})

    assert reply.status_code >= 400
    assert not [h for h in reply.headers if h[0].lower().startswith("access-control")]


def test_the_docs_and_probes_are_not_opened(api):
    client, _read, _write = api

    for path in ("/openapi.json", "/healthz", "/metrics"):
        reply = client.get(path, headers={"Origin": ALLOWED})
        assert "Access-Control-Allow-Origin" not in reply.headers, path


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_unset_cors_origins_opens_nothing(name, tmp_path, redis_url):
    client = make_client(name, tmp_path, redis_url, "")
    read = SERVICES[name][2]

    reply = client.get(read, headers={"Origin": ALLOWED})
    preflight = client.options(
        read.split("?")[0], headers={"Origin": ALLOWED, "Access-Control-Request-Method": "GET"}
    )

    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_cors_origins_are_read_as_origins():
    settings = CommonSettings.from_env(
        {"CORS_ORIGINS": " https://a.example/ ,http://b.example:8080,https://a.example"}
    )

    assert settings.cors_origins == ("https://a.example", "http://b.example:8080")
    assert CommonSettings.from_env({}).cors_origins == ()


@pytest.mark.parametrize("value", ["*", "a.example", "https://a.example/path", "ftp://a.example"])
def test_a_value_that_is_not_an_origin_stops_the_process(value):
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        CommonSettings.from_env({"CORS_ORIGINS": value})
