"""Who made each version: the token and the person (``X-Actor``) on articles and revisions.

A revision row now names who made the version it keeps; rows written before this
migration named who replaced it, and are left as they were.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both backends: a batch rebuild of ``articles`` on SQLite would
    # drop the triggers that keep its search index.
    op.add_column("articles", sa.Column("editor", sa.String(120)))
    op.add_column("articles", sa.Column("actor", sa.String(120)))
    op.add_column("revisions", sa.Column("actor", sa.String(120)))


def downgrade() -> None:
    op.drop_column("revisions", "actor")
    op.drop_column("articles", "actor")
    op.drop_column("articles", "editor")
