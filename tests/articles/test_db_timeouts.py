"""A PostgreSQL that stops answering cannot hold a request past gunicorn's timeout."""

from __future__ import annotations

from articles.db import PG_STATEMENT_TIMEOUT_MS, Database
from support.databases import postgres_url_or_skip


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
