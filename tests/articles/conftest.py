"""Fixtures for the articles suite: every test runs on SQLite and on PostgreSQL.

The PostgreSQL run uses ``TEST_DATABASE_URL`` in a schema of its own (dropped at the
end), so it never touches other tables of that database. Without the variable the
PostgreSQL half is skipped locally and fails under CI (see ``support.ci``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace

import boto3
import pytest
import redis
from articles_kit import AUTH, TOKEN, TREE, ArticleFactory
from media_kit import S3_CREDENTIALS, start_worker
from sqlalchemy import create_engine, text

from articles import extensions
from articles.app import create_app
from articles.db import Database, normalize_url
from articles.manage import upgrade
from articles.settings import Settings
from articles.versions import VERSION_RECHECK_S
from support.databases import postgres_url_or_skip, with_search_path
from support.servers import Process, free_port, python_process, wait_http

TABLES = (
    "outbox",
    "article_media",
    "revisions",
    "slug_history",
    "article_tags",
    "article_images",
    "articles",
    "categories",
    "media",
)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database of each kind, for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('articles-db') / 'articles.db'}"
        database = Database(url)
        upgrade(database.engine)
        database.dispose()
        yield url
        return
    base = normalize_url(postgres_url_or_skip())
    schema = f"articles_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = with_search_path(base, schema)
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    yield url
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def base_settings(database_url) -> Settings:
    return Settings(
        database_url=database_url,
        api_tokens={TOKEN: "editor"},
        relay_interval_s=0.05,
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
def app(base_settings):
    app = create_app(base_settings)
    app.config["TESTING"] = True
    yield app
    extensions.database(app).dispose()


@pytest.fixture
def db(app) -> Database:
    """The app's database, emptied before the test."""
    database: Database = extensions.database(app)
    with database.engine.begin() as connection:
        if database.sqlite:
            connection.execute(text("UPDATE categories SET parent_id = NULL"))
            for table in TABLES:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our table names
        else:
            connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    # Emptied behind the app's back, ids and the public generation start again: the
    # process forgets what it read and kept, and trusts reads for the usual time.
    for kept in (extensions.article_answers(app), extensions.list_answers(app)):
        kept.clear()
    for recent in (extensions.recent_versions(app), extensions.recent_generation(app)):
        recent.forget()
        recent.recheck_s = VERSION_RECHECK_S
    return database


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def settings(base_settings, redis_url) -> Settings:
    """Settings pointing at the test database and an empty test Redis."""
    return Settings(**{**vars(base_settings), "redis_url": redis_url})


@pytest.fixture
def process_env(settings, tmp_path) -> dict[str, str]:
    """Environment for a child process (relay, manage) on the same databases."""
    return {
        "MEDIA_STORAGE": (tmp_path / "media").as_uri(),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "API_TOKENS": f"editor:{TOKEN}",
        "RELAY_INTERVAL_S": "0.05",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def categories(client) -> list[dict]:
    """A small provincial category tree."""
    made = []
    for slug, name, parent in TREE:
        body = {"slug": slug, "name": name}
        if parent:
            body["parent"] = parent
        response = client.post("/v1/categories", json=body, headers=AUTH)
        assert response.status_code == 201, response.get_json()
        made.append(response.get_json())
    return made


@pytest.fixture
def make_article(client, categories) -> ArticleFactory:
    return ArticleFactory(client)


# photos --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode) on a free port."""
    port = free_port()
    server = python_process(
        ["-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], name="moto"
    ).start()
    saved = {key: os.environ.get(key) for key in S3_CREDENTIALS}
    os.environ.update(S3_CREDENTIALS)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/", timeout=60)
        yield url
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module", params=["file", "s3"])
def media_storage(request, tmp_path_factory) -> tuple[str, str | None]:
    """``MEDIA_STORAGE`` and ``S3_ENDPOINT_URL``: a directory, or a bucket of the S3 server."""
    if request.param == "file":
        return tmp_path_factory.mktemp("media").as_uri(), None
    endpoint = request.getfixturevalue("s3_server")
    bucket = f"photos-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return f"s3://{bucket}/portal", endpoint


@pytest.fixture(scope="module")
def media_settings(base_settings, redis_server, media_storage) -> Settings:
    storage, endpoint = media_storage
    return replace(
        base_settings,
        redis_url=f"redis://127.0.0.1:{redis_server.port}/7",
        media_storage=storage,
        s3_endpoint_url=endpoint,
        media_job_timeout_s=60,
    )


@pytest.fixture(scope="module")
def media_app(media_settings):
    redis.Redis.from_url(media_settings.redis_url).flushdb()
    app = create_app(media_settings)
    app.config["TESTING"] = True
    yield app
    extensions.database(app).dispose()


@pytest.fixture
def media_client(media_app, db):
    return media_app.test_client()


@pytest.fixture(scope="module")
def media_worker(media_app, media_settings) -> Iterator[Process]:
    worker = start_worker(media_settings)
    yield worker
    worker.stop(timeout=30)
