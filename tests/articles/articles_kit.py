"""Test data for the articles suite: the token, a category tree, an article factory;
and a child Python process on the suite's databases."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from articles.db import Database
from support.servers import ROOT

TOKEN = "articles-test-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

TREE = [
    ("tin-trong-tinh", "Tin trong tỉnh", None),
    ("chinh-tri", "Chính trị", "tin-trong-tinh"),
    ("kinh-te", "Kinh tế", "tin-trong-tinh"),
    ("an-ninh-quoc-phong", "An ninh - Quốc phòng", "tin-trong-tinh"),
    ("tin-trong-nuoc", "Tin trong nước", None),
    ("thong-bao", "Thông báo", None),
]


def run_python(process_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``python <args>`` in the repository, with ``process_env`` only (no ``PATH``)."""
    return subprocess.run(
        [sys.executable, *args],
        env={**process_env, "PATH": ""},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


class ArticleFactory:
    """Creates articles through the API, with sensible fields unless told otherwise."""

    def __init__(self, client) -> None:
        self.client = client

    def __call__(self, **fields) -> dict:
        body = {
            "title": "Yên Bái: Sơ kết công tác xây dựng nông thôn mới",
            "category": "kinh-te",
            "summary": "Tóm tắt bài viết.",
            "body_html": "<p>Nội dung bài viết.</p>",
            "status": "published",
            **fields,
        }
        response = self.client.post("/v1/articles", json=body, headers=AUTH)
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def outbox_rows(database: Database) -> list[dict]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT event_id, event_type, fields, sent_at FROM outbox ORDER BY id")
        )
        return [dict(row._mapping) for row in rows]
