"""PostgreSQL gone: the articles API (its Procfile process) reaches the database through a
TCP proxy the test cuts while editors keep writing.

While the database is unreachable every answer is 503 problem+json (never a 500), the
API comes back by itself when the proxy is restored, and no article is half-written: an
article either exists with its images, tags and outbox event, or does not exist at all.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
import requests
from reliability_kit import Callers, figures, via_port
from sqlalchemy import create_engine, text

from support.databases import with_search_path
from support.servers import RedisServer, wait_until
from support.stack import Stack
from support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WRITERS = 4
OUTAGE_S = 3.0


def article_body(tag: str) -> dict:
    return {
        "title": f"Hồ Thác Bà mùa nước nổi {tag}",
        "category": "kinh-te",
        "summary": "Tóm tắt.",
        "body_html": "<p>Nội dung.</p>",
        "status": "published",
        "images": [
            {"url": "/media/ho-thac-ba.svg", "caption": "Hồ Thác Bà", "position": 0},
            {"url": "/media/doi-che.svg", "caption": "Đồi chè", "position": 1},
        ],
        "tags": ["thac-ba", tag],
    }


@pytest.fixture
def proxied_stack(postgres_schema, tmp_path):
    base, schema = postgres_schema
    target = urlsplit(base)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    database_url = with_search_path(via_port(base, "127.0.0.1", proxy.port), schema)
    redis_server = RedisServer().start()
    stack = Stack(tmp_path, redis_server.url, database_url, env={"DB_POOL_SIZE": "4"})
    try:
        stack.migrate()
        stack.start("articles")
        yield stack, proxy, with_search_path(base, schema)
    finally:
        stack.close()
        proxy.close()
        redis_server.cleanup()


class Editors(Callers):
    """Threads that create articles one after another and keep every answer:
    (tag, status or error name, body, content type)."""

    def __init__(self, stack: Stack) -> None:
        self.url = stack.url("articles") + "/v1/articles"
        self.auth = stack.auth
        super().__init__([(self._write, (n,)) for n in range(WRITERS)])

    def _write(self, writer: int) -> None:
        session = requests.Session()
        number = 0
        while not self.stop.is_set():
            number += 1
            tag = f"w{writer}-{number}"
            try:
                reply = session.post(
                    self.url, json=article_body(tag), headers=self.auth, timeout=20
                )
                answer = (tag, reply.status_code, reply.json(), reply.headers.get("Content-Type"))
            except (requests.RequestException, ValueError) as exc:
                answer = (tag, type(exc).__name__, {}, "")
            self.keep(answer)
            time.sleep(0.02)


def stored_articles(direct_url: str) -> dict[str, dict]:
    """Every article as the database holds it (read directly, not through the proxy)."""
    engine = create_engine(direct_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, title FROM articles")).all()
            images = dict(
                connection.execute(
                    text("SELECT article_id, count(*) FROM article_images GROUP BY article_id")
                ).all()
            )
            tags = dict(
                connection.execute(
                    text("SELECT article_id, count(*) FROM article_tags GROUP BY article_id")
                ).all()
            )
            events: dict[int, int] = {}
            for event_type, fields in connection.execute(
                text("SELECT event_type, fields FROM outbox")
            ):
                if event_type == "article.published":
                    article_id = json.loads(json.loads(fields)["data"])["article_id"]
                    events[article_id] = events.get(article_id, 0) + 1
    finally:
        engine.dispose()
    return {
        title.rsplit(" ", 1)[-1]: {
            "id": article_id,
            "images": images.get(article_id, 0),
            "tags": tags.get(article_id, 0),
            "events": events.get(article_id, 0),
        }
        for article_id, title in rows
    }


def test_articles_api_answers_503_without_its_database_and_recovers_by_itself(proxied_stack):
    stack, proxy, direct_url = proxied_stack
    api = stack.url("articles")
    created = requests.post(
        api + "/v1/categories", json={"slug": "kinh-te", "name": "Kinh tế"}, headers=stack.auth
    )
    assert created.status_code == 201, created.text
    pid = stack.processes["articles"].proc.pid

    with Editors(stack) as editors:
        wait_until(lambda: sum(a[1] == 201 for a in editors.answers) >= 10, timeout=30)
        proxy.cut()
        cut_at = len(editors.answers)
        time.sleep(OUTAGE_S / 2)
        outage_reads = [requests.get(api + "/v1/articles", timeout=30) for _ in range(5)]
        readiness = requests.get(api + "/readyz", timeout=30)
        time.sleep(OUTAGE_S / 2)
        proxy.restore()
        restored_at = len(editors.answers)
        recovered = time.monotonic()
        wait_until(
            lambda: requests.get(api + "/v1/articles", timeout=30).status_code == 200, timeout=30
        )
        recovery_s = time.monotonic() - recovered
        wait_until(lambda: sum(a[1] == 201 for a in editors.answers[restored_at:]) >= 10, 30)

    answers = editors.answers
    statuses: dict[int, int] = {}
    for _tag, status, _body, _type in answers:
        statuses[status] = statuses.get(status, 0) + 1
    during = answers[cut_at:restored_at]
    unavailable = [a for a in answers if a[1] == 503]
    stored = stored_articles(direct_url)
    accepted = {tag for tag, status, _body, _type in answers if status == 201}
    lost = accepted - set(stored)
    half_written = {
        tag: row
        for tag, row in stored.items()
        if (row["images"], row["tags"], row["events"]) != (2, 2, 1)
    }
    refused_but_stored = {tag for tag, status, *_ in answers if status == 503} & set(stored)
    line = figures(
        "postgres-gone",
        writes=len(answers),
        statuses=statuses,
        writes_during_outage=len(during),
        read_statuses=[r.status_code for r in outage_reads],
        readyz=readiness.status_code,
        recovery_s=f"{recovery_s:.2f}",
        stored=len(stored),
        lost=len(lost),
        half_written=len(half_written),
        answered_503_but_committed=len(refused_but_stored),
    )

    assert set(statuses) <= {201, 503}, line
    assert unavailable, line
    for _tag, _status, body, content_type in unavailable:
        assert content_type.startswith("application/problem+json"), line
        assert body["status"] == 503, line
    for reply in outage_reads:
        assert reply.status_code == 503, line
        assert reply.headers["Content-Type"].startswith("application/problem+json"), line
    assert readiness.status_code == 503, line
    assert not lost, line
    assert not half_written, (line, half_written)
    assert stack.processes["articles"].proc.pid == pid and stack.processes["articles"].alive()
