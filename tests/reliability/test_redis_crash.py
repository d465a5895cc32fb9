"""Redis crash with persistence: a test-owned Redis with AOF is SIGKILLed while readers'
views are being counted through the counter API (its Procfile process), then started
again on the same port from its append-only file.

With ``appendfsync always`` no acknowledged view is lost (a view answered 200 with
``counted: true`` is in the final count); with ``everysec`` up to a second may be, and the
loss is reported, not asserted. While Redis is down the API answers 503 problem+json,
never a 500; it recovers without a restart, and ``counter-consumer`` and ``web-consumer``
take up their groups again by themselves (an article published after the crash becomes
countable, and both groups read it with nothing left pending).
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests
from reliability_kit import Callers, figures

from portalkit.events import ARTICLES_STREAM, ArticlePublished
from portalkit.redis_client import connect
from portalkit.streams import EventBus
from support.servers import RedisServer, wait_until
from support.stack import Stack

pytestmark = pytest.mark.slow

ARTICLES = (1, 2, 3)
READERS = 4
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


class Readers(Callers):
    """Threads that view articles as new visitors, keeping every answer."""

    def __init__(self, url: str) -> None:
        self.url = url + "/v1/views"
        super().__init__([(self._read, (n,)) for n in range(READERS)])

    def _read(self, reader: int) -> None:
        session = requests.Session()
        number = 0
        while not self.stop.is_set():
            number += 1
            article = ARTICLES[number % len(ARTICLES)]
            body = {"article_id": article, "visitor_id": f"reader-{reader}-{number}"}
            try:
                reply = session.post(
                    self.url, json=body, headers={"User-Agent": BROWSER}, timeout=20
                )
                counted = reply.status_code == 200 and reply.json()["counted"] is True
                answer = (article, reply.status_code, counted, reply.headers["Content-Type"])
            except requests.RequestException as exc:
                answer = (article, type(exc).__name__, False, "")
            self.keep(answer)

    def count(self, status: int) -> int:
        with self.lock:
            return sum(answer[1] == status for answer in self.answers)


def caught_up(client, groups: set[str]) -> bool:
    """Each group has read the newest entry of the articles stream and holds none pending."""
    last = client.xinfo_stream(ARTICLES_STREAM)["last-generated-id"]
    info = {group["name"]: group for group in client.xinfo_groups(ARTICLES_STREAM)}
    return all(
        name in info and info[name]["pending"] == 0 and info[name]["last-delivered-id"] == last
        for name in groups
    )


@pytest.mark.parametrize("fsync", ["always", "everysec"])
def test_views_survive_a_redis_crash_and_the_api_never_answers_500(fsync, tmp_path):
    server = RedisServer("--appendonly", "yes", "--appendfsync", fsync).start()
    stack = Stack(tmp_path, server.url, env={"RATE_LIMIT_PER_MIN": "1000000"})
    bus = EventBus(connect(server.url))
    try:
        stack.start("counter", "counter-consumer", "web-consumer")
        for article in ARTICLES:
            bus.publish(ArticlePublished(article_id=article, slug=f"bai-{article}", status="p"))
        client = connect(server.url)
        wait_until(
            lambda: all(client.exists(f"counter:article:{a}:published") for a in ARTICLES), 30
        )
        api = stack.url("counter")

        with Readers(api) as readers:
            wait_until(lambda: readers.count(200) >= 300, timeout=60)
            server.kill()
            crashed_at = len(readers.answers)
            wait_until(lambda: readers.count(503) >= 20, timeout=30)
            readiness = requests.get(api + "/readyz", timeout=10).status_code
            server.start()
            restarted_at = len(readers.answers)
            wait_until(lambda: sum(a[1] == 200 for a in readers.answers[restarted_at:]) >= 300, 60)

        bus.publish(ArticlePublished(article_id=99, slug="sau-su-co", status="published"))
        wait_until(lambda: client.exists("counter:article:99:published"), timeout=60)
        wait_until(lambda: caught_up(client, {"counter", "web"}), timeout=60)
        final = {
            a: requests.get(f"{api}/v1/views/{a}", timeout=10).json()["views"] for a in ARTICLES
        }
        acknowledged = Counter(a for a, status, counted, _ in readers.answers if counted)
        statuses = Counter(status for _a, status, _c, _t in readers.answers)
        down = readers.answers[crashed_at:restarted_at]
        api_alive = stack.processes["counter"].alive()
        lost = sum(max(0, acknowledged[a] - final[a]) for a in ARTICLES)
        line = figures(
            f"redis-crash[{fsync}]",
            views_sent=len(readers.answers),
            acknowledged=sum(acknowledged.values()),
            counted_final=sum(final.values()),
            lost_acknowledged=lost,
            statuses=dict(statuses),
            answers_while_down=len(down),
            readyz_while_down=readiness,
            api_never_restarted=api_alive,
        )
    finally:
        stack.close()
        server.cleanup()

    assert set(statuses) <= {200, 503}, line
    for _article, status, _counted, content_type in readers.answers:
        if status == 503:
            assert content_type.startswith("application/problem+json"), line
    assert readiness == 503, line
    assert api_alive, line
    if fsync == "always":
        assert lost == 0, line
