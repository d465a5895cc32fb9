"""Fixtures for the newsroom: its database on SQLite and on PostgreSQL, real Redis.

The PostgreSQL run uses ``TEST_DATABASE_URL`` in a schema of its own (dropped at the
end). Without the variable that half is skipped locally and fails under CI.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from desk_kit import TOKEN, ArticlesApi
from newsroom_kit import NAMES, PASSWORDS, ROLES
from sqlalchemy import create_engine, text

from newsroom import extensions
from newsroom.app import create_app
from newsroom.db import Database, normalize_url
from newsroom.manage import upgrade
from newsroom.models import Base, User
from newsroom.passwords import hash_password
from newsroom.settings import Settings
from support.databases import postgres_url_or_skip, with_search_path
from support.servers import free_port

TABLES = ("login_sessions", "audit_log", "article_owners", "users")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty newsroom database of each kind, for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('newsroom-db') / 'newsroom.db'}"
        database = Database(url)
        upgrade(database.engine)
        database.dispose()
        yield url
        return
    base = normalize_url(postgres_url_or_skip())
    schema = f"newsroom_test_{uuid.uuid4().hex[:10]}"
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
def articles_api(tmp_path_factory, redis_server) -> Iterator[ArticlesApi]:
    """One articles service for the session (its database and Redis database of its own)."""
    api = ArticlesApi(tmp_path_factory.mktemp("articles-api"), redis_server.url[:-1] + "5")
    try:
        yield api.start()
    finally:
        api.stop()


@pytest.fixture
def desk_settings(settings, articles_api) -> Settings:
    """The newsroom calling the real articles service with its own token."""
    return replace(settings, articles_url=articles_api.url, api_token=TOKEN)


@pytest.fixture
def desk(desk_settings, password_hashes):
    """A newsroom app wired to the articles service, with the three users."""
    app = create_app(desk_settings)
    reset_users(app, password_hashes)
    yield app
    extensions.database(app).dispose()


@pytest.fixture
def settings(database_url, redis_url) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        log_level="WARNING",
        secret_key="newsroom-test-secret-key",
        login_max_failures=3,
        address_max_failures=10,
        # No API answers in these tests: pages show their parts as missing.
        articles_url=f"http://127.0.0.1:{free_port()}",
        counter_url=f"http://127.0.0.1:{free_port()}",
        weather_url=f"http://127.0.0.1:{free_port()}",
    )


@pytest.fixture(scope="session")
def password_hashes() -> dict[str, str]:
    """The three users' argon2id hashes, made once: hashing is slow by design."""
    return {username: hash_password(password) for username, password in PASSWORDS.items()}


@pytest.fixture
def app(settings, password_hashes):
    """The newsroom with an author, an editor and an admin, and nothing else."""
    app = create_app(settings)
    reset_users(app, password_hashes)
    yield app
    extensions.database(app).dispose()


def reset_users(app, password_hashes: dict[str, str]) -> None:
    with extensions.database(app).session() as session:
        for table in TABLES:
            session.execute(Base.metadata.tables[table].delete())
        for username, digest in password_hashes.items():
            session.add(
                User(
                    username=username,
                    display_name=NAMES[username],
                    role=ROLES[username],
                    password_hash=digest,
                    active=True,
                )
            )


@pytest.fixture
def client(app):
    return app.test_client()
