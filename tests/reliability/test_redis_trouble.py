"""Redis trouble under traffic, against every process of the Procfile: a ``FLUSHALL``,
a restart without persistence, and a full memory (``maxmemory`` with ``noeviction``).

In each case views, article writes, weather refreshes and page reads keep flowing
(:mod:`traffic`). Asserted: no process exits; every answer is a success or a 503
problem+json, never a 500; and the portal comes back by itself: an article published
before the trouble counts views again, a new article shows in the web's search, the
weather is fetched again, and weather-beat holds its lock.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis
import requests
from reliability_kit import figures
from traffic import BROWSER, CATEGORY, Traffic

from support.servers import RedisServer, wait_until
from support.stack import Stack

pytestmark = pytest.mark.slow

PROCESSES = (
    "articles",
    "articles-relay",
    "counter",
    "counter-consumer",
    "weather",
    "weather-worker",
    "weather-beat",
    "web",
    "web-consumer",
)
RECOVERY_S = 30
BEAT_LOCK = "weather:redbeat::lock"


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[tuple[Stack, RedisServer, int]]:
    """The whole stack on a Redis without persistence, and one article published before."""
    server = RedisServer().start()
    stack = Stack(
        tmp_path_factory.mktemp("redis-trouble"),
        server.url,
        env={"RATE_LIMIT_PER_MIN": "1000000", "PAGE_CACHE_S": "2", "LIST_CACHE_S": "60"},
    )
    try:
        stack.migrate()
        stack.start(*PROCESSES)
        reply = requests.post(
            stack.url("articles") + "/v1/categories",
            json={"slug": CATEGORY, "name": "Tin trong tỉnh"},
            headers=stack.auth,
            timeout=20,
        )
        assert reply.status_code == 201, reply.text
        article_id = publish(stack, "Bài đăng trước sự cố")["id"]
        wait_until(lambda: counts_a_view(stack, article_id), timeout=60)
        yield stack, server, article_id
    finally:
        stack.close()
        server.cleanup()


def publish(stack: Stack, title: str) -> dict:
    body = {"title": title, "category": CATEGORY, "status": "published"}
    reply = requests.post(
        stack.url("articles") + "/v1/articles", json=body, headers=stack.auth, timeout=20
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def counts_a_view(stack: Stack, article_id: int) -> bool:
    reply = requests.post(
        stack.url("counter") + "/v1/views",
        json={"article_id": article_id, "visitor_id": uuid.uuid4().hex},
        headers={"User-Agent": BROWSER},
        timeout=5,
    )
    return reply.status_code == 200 and reply.json()["counted"] is True


def found_on_the_web(stack: Stack, title: str) -> bool:
    """The web's search (its cached lists, dropped by web-consumer) shows the article."""
    word = title.rsplit(" ", 1)[1]
    reply = requests.get(stack.url("web") + "/search", params={"q": word}, timeout=5)
    return reply.status_code == 200 and title in reply.text


def weather_fetched_after(stack: Stack, moment: float) -> bool:
    reply = requests.get(stack.url("weather") + "/v1/weather", timeout=5)
    if reply.status_code != 200:
        return False
    from datetime import datetime

    return datetime.fromisoformat(reply.json()["fetched_at"]).timestamp() > moment


def exited(stack: Stack) -> dict[str, str]:
    return {
        name: proc.output()[-2000:] for name, proc in stack.processes.items() if not proc.alive()
    }


def recovered(stack: Stack, article_id: int, since: float) -> dict[str, float]:
    """Wait (at most RECOVERY_S each) for the portal to work again; seconds each took."""
    title = f"Bài mới sau sự cố {uuid.uuid4().hex[:8]}"
    steps = {
        "old_article_counts": lambda: counts_a_view(stack, article_id),
        "new_article_on_web": lambda: found_on_the_web(stack, title),
        "weather_fetched": lambda: weather_fetched_after(stack, since),
    }
    taken = {}
    for step, check in steps.items():
        if step == "new_article_on_web":
            publish(stack, title)
        started = time.monotonic()
        try:
            wait_until(check, timeout=RECOVERY_S, interval=0.2)
        except AssertionError as exc:
            client = redis.Redis.from_url(stack.env["REDIS_URL"], decode_responses=True)
            groups = client.xinfo_groups("events:articles")
            stream = client.xinfo_stream("events:articles")
            logs = {name: stack.output(name)[-3000:] for name in stack.processes}
            raise AssertionError(
                f"{step}: {exc}; taken: {taken}; groups: {groups}; stream: {stream}; logs: {logs}"
            ) from None
        taken[step] = round(time.monotonic() - started, 1)
    return taken


def test_a_flushall_under_traffic_takes_nothing_down_and_the_portal_relearns(portal):
    stack, server, article_id = portal
    client = redis.Redis.from_url(server.url)
    with Traffic(stack, article_id) as traffic:
        wait_until(lambda: sum(sum(c.values()) for c in traffic.statuses().values()) > 40, 60)
        flushed_at = time.time()
        client.flushall()
        taken = recovered(stack, article_id, flushed_at)
    line = figures(
        "flushall",
        statuses={kind: dict(counts) for kind, counts in traffic.statuses().items()},
        server_errors=len(traffic.server_errors()),
        exited=sorted(exited(stack)),
        **taken,
    )
    assert not exited(stack), exited(stack)
    assert traffic.server_errors() == [], line
    wait_until(lambda: client.exists(BEAT_LOCK), timeout=RECOVERY_S)


def test_redis_stopped_for_five_seconds_is_ridden_out(portal):
    stack, server, article_id = portal
    client = redis.Redis.from_url(server.url)
    with Traffic(stack, article_id) as traffic:
        wait_until(lambda: sum(sum(c.values()) for c in traffic.statuses().values()) > 40, 60)
        server.kill()
        time.sleep(5)  # the outage itself: nothing is asserted on time
        restarted_at = time.time()
        server.start()
        taken = recovered(stack, article_id, restarted_at)
    line = figures(
        "redis-restart",
        statuses={kind: dict(counts) for kind, counts in traffic.statuses().items()},
        server_errors=len(traffic.server_errors()),
        exited=sorted(exited(stack)),
        **taken,
    )
    assert not exited(stack), exited(stack)
    assert traffic.server_errors() == [], line
    wait_until(lambda: client.exists(BEAT_LOCK), timeout=RECOVERY_S)


def fill_to_the_brim(client: redis.Redis) -> None:
    """``maxmemory`` just above what is used, with ``noeviction``; then fill it up.

    Once full, the limit goes down to half of what is used, so that keys expiring
    meanwhile cannot make room: it stays full until the test frees it.
    """
    client.config_set("maxmemory-policy", "noeviction")
    used = int(client.info("memory")["used_memory"])
    client.config_set("maxmemory", used + 2 * 1024 * 1024)
    chunk = "x" * 64 * 1024
    for number in range(10_000):
        try:
            client.set(f"test:filler:{number}", chunk)
        except redis.exceptions.OutOfMemoryError:
            client.config_set("maxmemory", int(client.info("memory")["used_memory"]) // 2)
            return
    raise AssertionError("Redis never reported that it was full")


def test_a_full_redis_answers_503_pages_still_render_and_all_recovers(portal):
    stack, server, article_id = portal
    client = redis.Redis.from_url(server.url)
    with Traffic(stack, article_id) as traffic:
        wait_until(lambda: sum(sum(c.values()) for c in traffic.statuses().values()) > 40, 60)
        fill_to_the_brim(client)
        full_at = len(traffic.answers)
        view = requests.post(
            stack.url("counter") + "/v1/views",
            json={"article_id": article_id, "visitor_id": "while-full"},
            headers={"User-Agent": BROWSER},
            timeout=20,
        )
        readiness = {
            name: requests.get(stack.url(name) + "/readyz", timeout=20).status_code
            for name in ("counter", "weather")
        }
        page = requests.get(stack.url("web") + "/", timeout=20)
        wait_until(lambda: len(traffic.answers) > full_at + 40, timeout=60)
        for key in client.scan_iter("test:filler:*"):
            client.delete(key)
        client.config_set("maxmemory", 0)
        freed_at = time.time()
        taken = recovered(stack, article_id, freed_at)
    line = figures(
        "redis-full",
        statuses={kind: dict(counts) for kind, counts in traffic.statuses().items()},
        view_while_full=view.status_code,
        readyz_while_full=readiness,
        page_while_full=page.status_code,
        server_errors=len(traffic.server_errors()),
        exited=sorted(exited(stack)),
        **taken,
    )
    assert view.status_code == 503, line
    assert view.headers["Content-Type"].startswith("application/problem+json"), line
    assert readiness == {"counter": 503, "weather": 503}, line
    assert page.status_code == 200, line
    assert not exited(stack), exited(stack)
    assert traffic.server_errors() == [], line
