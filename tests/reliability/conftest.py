"""Fixtures of the reliability suite: stacks of real processes, crashable servers.

Every test here reports its figures on one line (printed, and repeated in the message of
its main assertions), so ``pytest -rA`` or a failure shows them; RELIABILITY.md keeps the
last ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from articles.db import normalize_url
from support.databases import postgres_url_or_skip


@pytest.fixture
def postgres_schema() -> Iterator[tuple[str, str]]:
    """(base URL, schema): an empty schema of its own in TEST_DATABASE_URL, dropped after."""
    base = normalize_url(postgres_url_or_skip())
    schema = f"reliability_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield base, schema
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
