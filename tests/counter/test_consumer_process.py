"""``python -m counter.consumer`` as a real process, fed through portalkit's event bus."""

from __future__ import annotations

import sys

import pytest
from counter_kit import view

from portalkit.events import ArticleDeleted, ArticlePublished, ArticleUnpublished, ArticleUpdated
from portalkit.redis_client import connect
from portalkit.streams import EventBus
from support.servers import Process, wait_until


@pytest.fixture
def bus(redis_url):
    client = connect(redis_url)
    yield EventBus(client)
    client.close()


@pytest.fixture
def start_consumer(redis_url):
    started = []

    def start(**env):
        proc = Process(
            [sys.executable, "-m", "counter.consumer"],
            env={"REDIS_URL": redis_url, "LOG_LEVEL": "INFO", **env},
            name="counter-consumer",
        ).start()
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


def reason(client, article_id: int, visitor: str) -> str | None:
    return view(client, article_id, visitor_id=visitor).get_json()["reason"]


def article_keys(redis_client, article_id: int) -> list[str]:
    own = list(redis_client.scan_iter(f"counter:article:{article_id}:*"))
    ranked = [
        key
        for key in redis_client.scan_iter("counter:*", _type="zset")
        if redis_client.zscore(key, str(article_id)) is not None
    ]
    return own + ranked


def test_a_consumer_started_later_replays_what_was_published(bus, client, start_consumer):
    bus.publish(ArticlePublished(article_id=1, slug="mua-lu", status="published"))
    bus.publish(ArticlePublished(article_id=2, slug="nong-thon-moi", status="published"))
    bus.publish(ArticleUnpublished(article_id=2, slug="nong-thon-moi", status="draft"))
    assert reason(client, 1, "early") == "not_published"

    consumer = start_consumer()

    wait_until(lambda: reason(client, 1, "reader-1") is None)
    assert reason(client, 2, "reader-1") == "not_published"
    assert consumer.alive(), consumer.output()


def test_published_unpublished_and_deleted_through_the_process(
    bus, client, redis_client, start_consumer
):
    consumer = start_consumer()
    bus.publish(ArticlePublished(article_id=7, slug="bai-7", status="published"))
    wait_until(lambda: reason(client, 7, "a") is None)
    reason(client, 7, "b")
    client.get("/v1/top?window=month")

    bus.publish(ArticleUnpublished(article_id=7, slug="bai-7", status="draft"))
    wait_until(lambda: reason(client, 7, "c") == "not_published")
    kept = client.get("/v1/views/7").get_json()["views"]
    assert reason(client, 7, "c2") == "not_published"
    assert client.get("/v1/views/7").get_json()["views"] == kept >= 2

    bus.publish(ArticleUpdated(article_id=7, slug="bai-7", status="published", version=3))
    wait_until(lambda: reason(client, 7, "d") is None)
    assert article_keys(redis_client, 7)

    bus.publish(ArticleDeleted(article_id=7, slug="bai-7", status="deleted"))
    wait_until(lambda: article_keys(redis_client, 7) == [])
    assert reason(client, 7, "e") == "not_published"
    assert article_keys(redis_client, 7) == []
    assert client.get("/v1/views/7").get_json()["views"] == 0
    assert consumer.stop() == 0, consumer.output()
    assert '"msg": "consumer stopped"' in consumer.output()


def test_a_redelivered_event_is_applied_once(bus, client, redis_client, start_consumer):
    start_consumer()
    event = ArticlePublished(article_id=9, slug="bai-9", status="published")
    bus.publish(event)
    wait_until(lambda: reason(client, 9, "a") is None)
    bus.publish(ArticleDeleted(article_id=9, slug="bai-9", status="deleted"))
    wait_until(lambda: article_keys(redis_client, 9) == [])

    bus.publish(event)  # the same event id again, e.g. replayed by the relay
    bus.publish(ArticlePublished(article_id=10, slug="bai-10", status="published"))
    wait_until(lambda: reason(client, 10, "a") is None)

    assert reason(client, 9, "b") == "not_published"


def test_a_bad_setting_stops_the_consumer_with_one_line(start_consumer):
    consumer = start_consumer(REDIS_URL="http://nowhere")

    wait_until(lambda: not consumer.alive())

    assert consumer.proc.returncode == 2
    assert consumer.output().strip().splitlines() == [
        "configuration error: invalid setting REDIS_URL='http://nowhere': "
        "expected redis://host:port/db, rediss:// or unix://"
    ]
