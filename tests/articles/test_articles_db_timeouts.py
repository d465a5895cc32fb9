"""A PostgreSQL that stops answering cannot hold a request past gunicorn's timeout."""

from __future__ import annotations

import os

import pytest

from articles.db import PG_STATEMENT_TIMEOUT_MS, Database


def postgres_url_or_skip() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TEST_DATABASE_URL is not set; under CI the PostgreSQL run is mandatory")
        pytest.skip("TEST_DATABASE_URL is not set")
    return url


def test_every_postgresql_connection_has_a_statement_timeout():
    database = Database(postgres_url_or_skip())
    try:
        with database.engine.connect() as connection:
            shown = connection.exec_driver_sql("SHOW statement_timeout").scalar()
            keepalives = connection.connection.dbapi_connection.info.get_parameters().get(
                "keepalives"
            )
    finally:
        database.dispose()
    assert shown == f"{PG_STATEMENT_TIMEOUT_MS // 1000}s"
    assert keepalives == "1"
