"""Accent-insensitive full-text search on SQLite (FTS5) and PostgreSQL (tsvector).

Both indexes hold text folded by :func:`articles.vietnamese.fold`, and queries are
folded the same way, so "an ninh trat tu" finds "an ninh, trật tự" and the reverse.
Every word must match; the last one may be the start of a word (search as you type).
Titles weigh more than the rest in the ranking.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table

from articles.models import Article
from articles.vietnamese import words

MAX_WORDS = 16

_fts = table("articles_fts", column("rowid"))


def query_words(q: str) -> list[str]:
    return words(q)[:MAX_WORDS]


def ranked_ids(dialect: str, terms: list[str]) -> Select:
    """``(id, rank)`` of matching articles; a lower rank is a better match."""
    if dialect == "sqlite":
        match = " ".join(f'"{term}"' for term in terms[:-1]) + f' "{terms[-1]}"*'
        fts = literal_column("articles_fts")
        return select(_fts.c.rowid.label("id"), func.bm25(fts, 4.0, 1.0).label("rank")).where(
            fts.op("MATCH")(match.strip())
        )
    tsquery = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
    vector = literal_column("articles.search_vector")
    query = func.to_tsquery(literal_column("'simple'::regconfig"), tsquery)
    rank: ColumnElement = -func.ts_rank(vector, query)
    return select(Article.id.label("id"), rank.label("rank")).where(vector.op("@@")(query))
