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
from reliability_kit import BROWSER, figures, new_view
from traffic import CATEGORY, Traffic

from support.servers import RedisServer, wait_until
from support.stack import Stack, procfile

pytestmark = pytest.mark.slow

PROCESSES = tuple(procfile())  # every process of the Procfile
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
    return new_view(stack.url("counter"), article_id).get("counted") is True


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


def ride_out(portal, name: str, trouble, seen: dict | None = None) -> str:
    """Run ``trouble(server, traffic)`` under traffic, wait for recovery, assert that no
    process exited and nothing answered a 500; the line of figures (with ``seen``, what
    ``trouble`` noted)."""
    stack, server, article_id = portal
    with Traffic(stack, article_id) as traffic:
        wait_until(traffic.flowing, timeout=60)
        since = trouble(server, traffic)
        taken = recovered(stack, article_id, since)
    line = figures(
        name,
        statuses={kind: dict(counts) for kind, counts in traffic.statuses().items()},
        server_errors=len(traffic.server_errors()),
        exited=sorted(exited(stack)),
        **taken,
        **(seen or {}),
    )
    assert not exited(stack), exited(stack)
    assert traffic.server_errors() == [], line
    return line


def flush(server: RedisServer, _traffic: Traffic) -> float:
    redis.Redis.from_url(server.url).flushall()
    return time.time()


def restart_empty_after_five_seconds(server: RedisServer, _traffic: Traffic) -> float:
    server.kill()
    time.sleep(5)  # the outage itself: nothing is asserted on time
    server.start()
    return time.time()


@pytest.mark.parametrize("trouble", [flush, restart_empty_after_five_seconds])
def test_a_redis_that_loses_its_data_under_traffic_takes_nothing_down(portal, trouble):
    ride_out(portal, trouble.__name__, trouble)
    client = redis.Redis.from_url(portal[1].url)
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
    stack, _server, article_id = portal
    seen: dict[str, object] = {}

    def fill_then_free(server: RedisServer, traffic: Traffic) -> float:
        client = redis.Redis.from_url(server.url)
        fill_to_the_brim(client)
        full_at = len(traffic.answers)
        view = requests.post(
            stack.url("counter") + "/v1/views",
            json={"article_id": article_id, "visitor_id": "while-full"},
            headers={"User-Agent": BROWSER},
            timeout=20,
        )
        seen["view"] = (view.status_code, view.headers["Content-Type"])
        seen["readyz"] = {
            name: requests.get(stack.url(name) + "/readyz", timeout=20).status_code
            for name in ("counter", "weather")
        }
        seen["page"] = requests.get(stack.url("web") + "/", timeout=20).status_code
        wait_until(lambda: len(traffic.answers) > full_at + 40, timeout=60)
        for key in client.scan_iter("test:filler:*"):
            client.delete(key)
        client.config_set("maxmemory", 0)
        return time.time()

    line = ride_out(portal, "redis-full", fill_then_free, seen)
    status, content_type = seen["view"]
    assert status == 503, line
    assert content_type.startswith("application/problem+json"), line
    assert seen["readyz"] == {"counter": 503, "weather": 503}, line
    assert seen["page"] == 200, line
