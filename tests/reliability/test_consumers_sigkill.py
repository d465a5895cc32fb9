"""Consumers under SIGKILL: ``counter-consumer`` and ``web-consumer`` (their Procfile lines)
are killed 20 times in all, alternating, while 10,000 article events flow.

How "applied" is measured: the bus applies an event by one ``MULTI`` that sets the
group's idempotency record ``<prefix>:events:done:<group>:<event id>`` and acknowledges
the entry. A Redis ``MONITOR`` session records every command Redis executes (a ``MULTI``
that never reached ``EXEC`` shows nothing), so the number of executed ``SET`` of each
event's record is the number of times that event was applied. Two effects confirm it
from the data itself: the web's list generation is an ``INCR`` per applied event, and
the counter's published-state keys must match the events.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter

import pytest
import redis
from reliability_kit import figures

from portalkit.events import ARTICLES_STREAM, DEAD_LETTER_STREAM, ArticleDeleted, ArticlePublished
from portalkit.streams import EventBus, publish_all
from support.servers import wait_until
from support.stack import Stack

pytestmark = pytest.mark.slow

EVENTS = int(os.environ.get("RELIABILITY_EVENTS", "10000"))
KILLS = 20
# One event in DELETED_SHARE deletes an article published earlier. Few: the counter's
# deletion handler scans the whole keyspace (see RELIABILITY.md), which is not what
# this test measures.
DELETED_SHARE = 100
CONSUMERS = {"counter-consumer": ("counter", "counter"), "web-consumer": ("web", "web")}
STOP_WORD = "reliability:monitor:stop"


def article_events(total: int) -> tuple[list, set[int], set[int]]:
    """Publications of articles 1, 2, ... and, well after each, deletions of the first ones.

    A deletion comes at least half the flow after its publication, so a consumer killed
    with the publication pending has taken it back (after 15 s idle) long before.
    """
    deletions = total // DELETED_SHARE
    publications = total - deletions
    events, deleted = [], set()
    start_deleting = publications - deletions * 2
    for article_id in range(1, publications + 1):
        events.append(
            ArticlePublished(article_id=article_id, slug=f"bai-{article_id}", status="published")
        )
        offset = article_id - start_deleting
        if offset > 0 and offset % 2 == 0:
            victim = offset // 2
            deleted.add(victim)
            events.append(ArticleDeleted(article_id=victim, slug=f"bai-{victim}", status="deleted"))
    return events, set(range(1, publications + 1)) - deleted, deleted


class Monitor:
    """Counts, per consumer group and event id, the executed SETs of the idempotency record."""

    def __init__(self, url: str) -> None:
        # No socket timeout: a quiet spell of Redis must not end the session.
        self.client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=None)
        self.applied: Counter[tuple[str, str]] = Counter()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._listen, daemon=True)

    def _listen(self) -> None:
        with self.client.monitor() as monitor:
            self.ready.set()
            for command in monitor.listen():
                raw = command["command"]
                if STOP_WORD in raw:
                    return
                if raw.startswith("SET ") and ":events:done:" in raw:
                    key = raw.split(" ", 2)[1]
                    _prefix, _events, _done, group, event_id = key.split(":")
                    self.applied[(group, event_id)] += 1

    def __enter__(self) -> Monitor:
        self.thread.start()
        self.ready.wait(5)
        return self

    def stop(self, url: str) -> None:
        poke = redis.Redis.from_url(url)
        poke.get(STOP_WORD)
        poke.close()
        self.thread.join(30)
        self.client.close()

    def __exit__(self, *_: object) -> None:
        return None


def groups(client: redis.Redis) -> dict[str, dict]:
    return {group["name"]: group for group in client.xinfo_groups(ARTICLES_STREAM)}


def consumers(client: redis.Redis, group: str) -> int:
    """How many consumers (one per process started, dead ones included) the group has seen."""
    return groups(client).get(group, {}).get("consumers", 0)


def settled(client: redis.Redis) -> bool:
    """Both groups have read to the end of the stream and hold nothing pending."""
    last = client.xinfo_stream(ARTICLES_STREAM)["last-generated-id"]
    info = groups(client)
    return all(
        info.get(group, {}).get("pending") == 0
        and info.get(group, {}).get("last-delivered-id") == last
        for group in ("counter", "web")
    )


@pytest.fixture
def stack(redis_url, tmp_path):
    portal = Stack(tmp_path, redis_url)
    yield portal
    portal.close()


def test_killed_consumers_lose_nothing_and_apply_nothing_twice(stack, redis_url, redis_client):
    events, still_published, deleted = article_events(EVENTS)
    bus = EventBus(redis.Redis.from_url(redis_url, decode_responses=True))
    rng = random.Random(8)
    size = -(-len(events) // KILLS)
    chunks = [events[i : i + size] for i in range(0, len(events), size)]

    with Monitor(redis_url) as monitor:
        stack.start(*CONSUMERS, wait=False)
        wait_until(lambda: {"counter", "web"} <= set(groups(redis_client)), timeout=30)
        kills: Counter[str] = Counter()
        left_pending: list[int] = []  # entries the killed process had read but not acked
        started = time.monotonic()
        for number, chunk in enumerate(chunks):
            for batch in range(0, len(chunk), 50):
                publish_all(bus, chunk[batch : batch + 50])
            victim = list(CONSUMERS)[number % 2]
            group = CONSUMERS[victim][0]
            # The victim's latest process has joined its group: it is reading this chunk.
            joined = kills[victim]
            wait_until(lambda g=group, n=joined: consumers(redis_client, g) > n, timeout=30)
            time.sleep(rng.uniform(0.05, 0.3))  # mid-chunk: entries read, some not yet acked
            stack.kill(victim)
            kills[victim] += 1
            left_pending.append(groups(redis_client)[group]["pending"])
            stack.start(victim, wait=False)
        flowed_s = time.monotonic() - started
        try:
            wait_until(lambda: settled(redis_client), timeout=300, interval=0.5)
        except AssertionError:
            logs = "\n".join(f"--- {n}\n{stack.output(n)[-2000:]}" for n in CONSUMERS)
            raise AssertionError(f"not settled: {groups(redis_client)}\n{logs}") from None
        settle_s = time.monotonic() - started - flowed_s
        monitor.stop(redis_url)

    ids = [event.id for event in events]
    report = {}
    for group, prefix in CONSUMERS.values():
        applied = [monitor.applied[(group, event_id)] for event_id in ids]
        records = sum(
            redis_client.exists(f"{prefix}:events:done:{group}:{event_id}") for event_id in ids
        )
        report[group] = {
            "records": records,
            "lost": sum(count == 0 for count in applied),
            "twice": sum(count > 1 for count in applied),
            "pending": groups(redis_client)[group]["pending"],
        }
    published_keys = {
        article_id
        for article_id in still_published | deleted
        if redis_client.exists(f"counter:article:{article_id}:published")
    }
    generation = int(redis_client.get("web:articles:generation") or 0)
    dead = redis_client.xlen(DEAD_LETTER_STREAM) if redis_client.exists(DEAD_LETTER_STREAM) else 0
    line = figures(
        "consumers-sigkill",
        events=len(events),
        kills=dict(kills),
        kills_with_pending=sum(bool(n) for n in left_pending),
        pending_at_kills=sum(left_pending),
        flow_s=f"{flowed_s:.1f}",
        settle_s=f"{settle_s:.1f}",
        counter_lost=report["counter"]["lost"],
        counter_twice=report["counter"]["twice"],
        counter_pending=report["counter"]["pending"],
        web_lost=report["web"]["lost"],
        web_twice=report["web"]["twice"],
        web_pending=report["web"]["pending"],
        web_generation=generation,
        published_missing=len(still_published - published_keys),
        deleted_but_published=len(published_keys & deleted),
        dead_letters=dead,
    )

    assert sum(kills.values()) == KILLS, line
    # Kills that left entries read but unacknowledged: the case this test exists for.
    assert sum(bool(n) for n in left_pending) >= KILLS // 2, line
    for group in ("counter", "web"):
        assert report[group]["lost"] == 0, line
        assert report[group]["twice"] == 0, line
        assert report[group]["pending"] == 0, line
        assert report[group]["records"] == len(events), line
    assert generation == len(events), line
    assert still_published <= published_keys, line
    assert not published_keys & deleted, line
    assert dead == 0, line


def test_a_publication_reclaimed_after_the_deletion_does_not_resurrect_the_article(
    redis_url, redis_client
):
    from counter.consumer import GROUP, build_consumer
    from counter.settings import Settings

    settings = Settings.from_env({"REDIS_URL": redis_url})
    consumer = build_consumer(settings, block_ms=10, claim_idle_ms=200)
    consumer.ensure_group()
    bus = EventBus(redis_client)
    publication = ArticlePublished(article_id=7, slug="bai-7", status="published", version=1)
    bus.publish(publication)
    # A consumer reads the publication and dies before acknowledging it.
    redis_client.xreadgroup(GROUP, "dead-consumer", {ARTICLES_STREAM: ">"}, count=1)
    bus.publish(ArticleDeleted(article_id=7, slug="bai-7", status="deleted", version=2))

    def nothing_pending() -> bool:
        consumer.poll()  # the deletion first; the publication once idle and reclaimed
        return redis_client.xpending(ARTICLES_STREAM, GROUP)["pending"] == 0

    wait_until(nothing_pending, timeout=10, interval=0.05)

    assert consumer.stats["reclaimed"] == 1
    assert redis_client.exists(consumer.done_key(publication.id))
    assert not redis_client.exists("counter:article:7:published")
