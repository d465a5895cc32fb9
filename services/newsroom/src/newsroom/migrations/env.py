"""Alembic environment: runs on the connection :mod:`newsroom.manage` hands over.

The newsroom may share a PostgreSQL database with the articles service (Compose does),
so its migrations keep their own version table.
"""

from __future__ import annotations

from alembic import context

from newsroom.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    version_table="newsroom_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
