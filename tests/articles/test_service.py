"""Settings, readiness, an unavailable database, and the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles import extensions
from articles.app import create_app
from articles.db import normalize_url
from articles.settings import Settings
from portalkit.config import ConfigError


def test_settings_defaults_and_parsing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'articles.db'}"
    assert settings.relay_interval_s == 1.0
    custom = Settings.from_env(
        {"DATABASE_URL": "postgresql://u@db/articles", "RELAY_INTERVAL_S": "0.2"}
    )
    assert custom.database_url == "postgresql://u@db/articles"
    assert custom.relay_interval_s == 0.2
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Settings.from_env({"DATABASE_URL": "mysql://x"})
    with pytest.raises(ConfigError, match="RELAY_INTERVAL_S"):
        Settings.from_env({"RELAY_INTERVAL_S": "soon"})


def test_postgresql_urls_use_psycopg_3():
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"


def test_the_default_sqlite_file_lives_under_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app(Settings())
    assert app.test_client().get("/readyz").status_code == 200
    assert Path(tmp_path / "var" / "articles.db").exists()
    extensions.database(app).dispose()


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok"}


def test_an_unreachable_database_answers_503_problem(tmp_path):
    settings = Settings(
        database_url="postgresql://nobody@127.0.0.1:1/none?connect_timeout=1",
        api_tokens={"unreachable-secret": "editor"},
    )
    app = create_app(settings)
    client = app.test_client()
    response = client.get("/v1/articles")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"]
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200
    write = client.post(
        "/v1/articles",
        json={"title": "x", "category": "kinh-te"},
        headers={"Authorization": "Bearer unreachable-secret"},
    )
    assert write.status_code == 503


def test_openapi_describes_every_operation(client):
    spec = client.get("/openapi.json").get_json()
    operations = {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert {
        ("/v1/categories", "get"),
        ("/v1/categories", "post"),
        ("/v1/categories/{slug}", "get"),
        ("/v1/articles", "get"),
        ("/v1/articles", "post"),
        ("/v1/articles/{article_id}", "get"),
        ("/v1/articles/{article_id}", "patch"),
        ("/v1/articles/{article_id}", "delete"),
        ("/v1/articles/by-slug/{slug}", "get"),
        ("/v1/articles/{article_id}/revisions", "get"),
        ("/media/{name}", "get"),
    } <= operations
    assert client.get("/docs").status_code == 200


def test_metrics_count_writes_and_request_ids_are_echoed(client, make_article):
    make_article()
    response = client.get("/v1/categories", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "http_requests_total" in metrics
    assert 'articles_writes_total{operation="article.create"}' in metrics
    assert 'articles_writes_total{operation="category.create"}' in metrics
