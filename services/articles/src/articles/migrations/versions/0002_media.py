"""Photos: the media table, article images naming a photo, and the article-photo links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from articles.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_type", sa.String(40), nullable=False),
        sa.Column("original_bytes", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("renditions", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("caption", sa.Text()),
        sa.Column("alt", sa.String(500)),
        sa.Column("credit", sa.String(200)),
        sa.Column("search_caption", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120)),
    )
    op.create_index("ix_media_sha256", "media", ["sha256"])
    op.create_index("ix_media_created", "media", ["created_at", "id"])
    op.create_table(
        "article_media",
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "media_id",
            sa.Integer(),
            sa.ForeignKey("media.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_article_media_media_id", "article_media", ["media_id"])
    with op.batch_alter_table("article_images") as batch:
        batch.alter_column("url", existing_type=sa.String(1000), nullable=True)
        batch.add_column(sa.Column("media_id", sa.Integer()))
        batch.create_foreign_key(
            "fk_article_images_media_id", "media", ["media_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_article_images_media_id", ["media_id"])


def downgrade() -> None:
    with op.batch_alter_table("article_images") as batch:
        batch.drop_index("ix_article_images_media_id")
        batch.drop_constraint("fk_article_images_media_id", type_="foreignkey")
        batch.drop_column("media_id")
        batch.alter_column("url", existing_type=sa.String(1000), nullable=False)
    op.drop_table("article_media")
    op.drop_table("media")
