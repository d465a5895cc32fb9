"""A real articles API for the desk's tests: the Procfile's line on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from support.servers import ROOT, Process, free_port, wait_until
from support.stack import procfile

TOKEN = "newsroom-test-api-token"
CATEGORIES = [
    {"slug": "tin-trong-tinh", "name": "Tin trong tỉnh"},
    {"slug": "an-ninh-quoc-phong", "name": "An ninh - Quốc phòng", "parent": "tin-trong-tinh"},
    {"slug": "kinh-te", "name": "Kinh tế"},
]


class ArticlesApi:
    """The articles service, migrated, with a small category tree."""

    def __init__(self, workdir: Path, redis_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "REDIS_URL": redis_url,
            "DATABASE_URL": f"sqlite:///{workdir / 'articles.db'}",
            "MEDIA_STORAGE": (workdir / "media").as_uri(),
            "API_TOKENS": f"newsroom:{TOKEN}",
            "ARTICLES_PORT": str(self.port),
            "WEB_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
        }
        self.process = Process(
            "exec " + procfile()["articles"], env=self.env, name="articles", shell=True
        )

    def start(self) -> ArticlesApi:
        subprocess.run(
            [sys.executable, "-m", "articles.manage", "upgrade"],
            env={**os.environ, **self.env},
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        self.process.start()
        wait_until(self._healthy, timeout=60, interval=0.2)
        for category in CATEGORIES:
            reply = requests.post(self.url + "/v1/categories", json=category, headers=self.auth)
            assert reply.status_code == 201, reply.text
        return self

    def _healthy(self) -> bool:
        if not self.process.alive():
            raise AssertionError(self.process.output()[-3000:])
        return requests.get(self.url + "/healthz", timeout=1).status_code == 200

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}

    def article(self, article_id: int) -> dict:
        reply = requests.get(f"{self.url}/v1/articles/{article_id}", headers=self.auth, timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def create(self, **fields) -> dict:
        body = {"title": "Bài mẫu", "category": "kinh-te", "status": "draft", **fields}
        reply = requests.post(self.url + "/v1/articles", json=body, headers=self.auth, timeout=10)
        assert reply.status_code == 201, reply.text
        return reply.json()

    def stop(self) -> None:
        self.process.stop()
