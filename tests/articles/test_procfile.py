"""The Procfile's own articles lines: the HTTP server serving ``articles.app:create_app()`` and the
relay, on the migrated and seeded database, publishing every sample's event."""

from __future__ import annotations

import pytest
import requests

from articles.seed import sample_content
from support.servers import wait_until
from support.stack import TOKEN, Stack

ARTICLES = sample_content()["articles"]


@pytest.mark.slow
def test_procfile_api_and_relay_serve_and_publish_the_samples(
    db, tmp_path, database_url, redis_url, redis_client
):
    """``db`` empties the database first; the stack uses its own token (``TOKEN``)."""
    stack = Stack(tmp_path, redis_url, database_url=database_url)
    try:
        stack.migrate(seed=True)
        stack.start("articles", "articles-relay")
        api = stack.url("articles")
        published = [a for a in ARTICLES if a.get("status", "published") == "published"]
        listing = requests.get(f"{api}/v1/articles?per_page=100", timeout=10).json()
        assert listing["total"] == len(published)
        wait_until(lambda: redis_client.xlen("events:articles") == len(published), timeout=120)
        created = requests.post(
            f"{api}/v1/articles",
            json={"title": "Bài viết qua gunicorn", "category": "thong-bao", "status": "published"},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
        assert created.status_code == 201, created.text
        wait_until(lambda: redis_client.xlen("events:articles") == len(published) + 1, timeout=60)
        image = requests.get(f"{api}/media/ho-thac-ba.svg", timeout=10)
        assert image.headers["Content-Type"].startswith("image/svg+xml")
        assert requests.get(f"{api}/readyz", timeout=10).status_code == 200
    finally:
        stack.close()
