"""A consumer process's figures: outcomes it counted, and its group's lag and pending
entries as Redis reports them."""

from __future__ import annotations

from prometheus_client import generate_latest

from portalkit.events import ARTICLES_STREAM, ArticlePublished, to_fields
from portalkit.redis_client import connect
from portalkit.stream_metrics import consumer_metrics
from portalkit.streams import Consumer, EventBus
from support.scrape import sample

GROUP = "metrics-group"
LABELS = {"stream": ARTICLES_STREAM, "group": GROUP}


def refuse_article_2(event, pipe) -> None:
    if getattr(event, "article_id", None) == 2:
        raise RuntimeError("article 2 cannot be applied")


def test_lag_pending_and_outcomes_follow_the_group(redis_url):
    client = connect(redis_url)
    consumer = Consumer(
        client, ARTICLES_STREAM, GROUP, refuse_article_2, "test", block_ms=10, max_deliveries=1
    )
    consumer.ensure_group()
    figures = consumer_metrics([consumer])

    def text() -> str:
        return generate_latest(figures.registry).decode()

    bus = EventBus(client)
    for article_id in (1, 2, 3):
        bus.publish(ArticlePublished(article_id=article_id, slug=f"bai-{article_id}"))
    client.xadd(ARTICLES_STREAM, {**to_fields(ArticlePublished(article_id=4, slug="x")), "id": "*"})

    waiting = text()
    assert sample(waiting, "events_group_lag", **LABELS) == 4
    assert sample(waiting, "events_group_pending", **LABELS) == 0
    assert sample(waiting, "events_dead_letters") == 0

    consumer.poll()
    read = text()
    assert sample(read, "events_group_lag", **LABELS) == 0
    assert sample(read, "events_group_pending", **LABELS) == 1  # article 2, failed
    assert sample(read, "events_consumed_total", **LABELS, outcome="handled") == 2
    assert sample(read, "events_consumed_total", **LABELS, outcome="failed") == 1
    assert sample(read, "events_consumed_total", **LABELS, outcome="dead") == 1  # malformed id
    assert sample(read, "events_dead_letters") == 1

    # Another group on the stream, whose consumers are all down, is reported too.
    client.xgroup_create(ARTICLES_STREAM, "other-group", id="0")
    assert sample(text(), "events_group_lag", stream=ARTICLES_STREAM, group="other-group") == 4

    consumer.claim_idle_ms = 0
    consumer.reclaim()  # the second delivery of article 2 is one too many: dead-lettered
    settled = text()
    assert sample(settled, "events_group_pending", **LABELS) == 0
    assert sample(settled, "events_reclaimed_total", **LABELS) == 1
    assert sample(settled, "events_dead_letters") == 2
