"""The PostgreSQL of TEST_DATABASE_URL: mandatory under CI, optional on a laptop."""

from __future__ import annotations

import os
from urllib.parse import quote

from support.ci import missing


def postgres_url_or_skip() -> str:
    """TEST_DATABASE_URL; missing it skips locally and fails under CI."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        missing("TEST_DATABASE_URL is not set")
    return url


def with_search_path(url: str, schema: str) -> str:
    """The URL with a schema of the test's own first on the search path."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
