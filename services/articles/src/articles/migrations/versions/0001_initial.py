"""Categories, articles, images, tags, slug history, revisions, outbox; search indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from articles.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        search_title, search_body, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF search_title, search_body
        ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO articles_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
]

POSTGRESQL_SEARCH = [
    """ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B')
    ) STORED""",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
]


def upgrade() -> None:
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200)),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("categories.id", ondelete="RESTRICT")),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_categories_parent_id", "categories", ["parent_id"])
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(160), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("body_html", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "category_id",
            sa.Integer(),
            sa.ForeignKey("categories.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("author", sa.String(200)),
        sa.Column("source", sa.String(200)),
        sa.Column("language", sa.String(2), nullable=False, server_default="vi"),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("search_title", sa.Text(), nullable=False, server_default=""),
        sa.Column("search_body", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_articles_category_id", "articles", ["category_id"])
    op.create_index("ix_articles_status_published", "articles", ["status", "published_at"])
    op.create_table(
        "article_images",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("caption", sa.Text()),
        sa.Column("alt", sa.String(500)),
    )
    op.create_index("ix_article_images_article_id", "article_images", ["article_id"])
    op.create_table(
        "article_tags",
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("slug", sa.String(120), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_article_tags_slug", "article_tags", ["slug"])
    op.create_table(
        "slug_history",
        sa.Column("slug", sa.String(160), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("retired_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_slug_history_article_id", "slug_history", ["article_id"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("editor", sa.String(120)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "version"),
    )
    op.create_index("ix_revisions_article_id", "revisions", ["article_id"])
    op.create_table(
        "outbox",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("stream", sa.String(120), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime()),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["id"],
        sqlite_where=sa.text("sent_at IS NULL"),
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    statements = SQLITE_SEARCH if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_SEARCH
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in (
        "outbox",
        "revisions",
        "slug_history",
        "article_tags",
        "article_images",
        "articles",
        "categories",
    ):
        op.drop_table(table)
