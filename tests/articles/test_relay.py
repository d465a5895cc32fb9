"""The relay: outbox rows to ``events:articles`` in order, scheduled publication, shutdown."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime, timedelta

import pytest
import redis
from articles_kit import AUTH, outbox_rows

from articles.relay import Relay
from support.servers import python_process, wait_until

STARTUP = 90  # seconds for a child process to import and start, on a busy machine


def stream_events(redis_client) -> list[dict]:
    entries = redis_client.xrange("events:articles")
    return [{**fields, "data": json.loads(fields["data"])} for _, fields in entries]


def pending(db) -> int:
    return sum(1 for row in outbox_rows(db) if row["sent_at"] is None)


def start_relay(process_env, name="relay"):
    return python_process(["-m", "articles.relay"], env=process_env, name=name).start()


def test_run_once_publishes_pending_rows_in_order_and_marks_them_sent(
    client, make_article, db, settings, redis_client
):
    first = make_article(title="Một")
    second = make_article(title="Hai")
    client.patch(f"/v1/articles/{first['id']}", json={"summary": "Sửa"}, headers=AUTH)
    relay = Relay(settings, database=db)
    assert relay.run_once() == 3
    events = stream_events(redis_client)
    assert [e["id"] for e in events] == [row["event_id"] for row in outbox_rows(db)]
    assert [(e["type"], e["data"]["article_id"]) for e in events] == [
        ("article.published", first["id"]),
        ("article.published", second["id"]),
        ("article.updated", first["id"]),
    ]
    assert events[0]["source"] == "articles"
    assert pending(db) == 0
    assert relay.run_once() == 0
    assert len(stream_events(redis_client)) == 3


def test_a_row_offered_again_is_not_added_twice(make_article, db, settings, redis_client):
    from articles import outbox
    from articles.models import OutboxEvent

    make_article()
    relay = Relay(settings, database=db)
    with db.read_session() as session:
        rows = list(session.query(OutboxEvent))
    outbox.publish_rows(relay.bus, rows)
    # As after a relay died between XADD and marking the row sent:
    assert relay.run_once() == 1
    assert len(stream_events(redis_client)) == 1


def test_scheduled_article_publishes_itself_once(
    client, categories, db, settings, process_env, redis_client
):
    soon = datetime.now(UTC) + timedelta(seconds=2)
    created = client.post(
        "/v1/articles",
        json={
            "title": "Kỳ họp HĐND tỉnh",
            "category": "chinh-tri",
            "status": "scheduled",
            "published_at": soon.isoformat(),
        },
        headers=AUTH,
    ).get_json()
    assert client.get(f"/v1/articles/{created['id']}").status_code == 404
    relay = start_relay(process_env)
    try:
        wait_until(lambda: client.get(f"/v1/articles/{created['id']}").status_code == 200, STARTUP)
        wait_until(lambda: len(stream_events(redis_client)) >= 1 and pending(db) == 0)
    finally:
        assert relay.stop() == 0, relay.output()
    # Later rounds, by any relay, find nothing more to publish.
    assert Relay(settings, database=db).run_once() == 0
    article = client.get(f"/v1/articles/{created['id']}").get_json()
    assert article["status"] == "published"
    assert article["version"] == 2
    published = [e for e in stream_events(redis_client) if e["type"] == "article.published"]
    assert len(published) == 1
    assert published[0]["data"]["article_id"] == created["id"]
    assert published[0]["data"]["status"] == "published"
    assert published[0]["data"]["published_at"] == article["published_at"]


def test_due_articles_are_published_once_however_many_relays_run(
    client, categories, db, process_env, redis_client
):
    """Three relay processes at once: on PostgreSQL all race for the due articles."""
    relays = [start_relay(process_env, f"relay-{n}") for n in range(3)]
    try:
        active = 1 if db.sqlite else len(relays)  # SQLite: one active, the others standby
        for relay in relays:
            wait_until(lambda r=relay: "relay starting" in r.output(), STARTUP)
        wait_until(lambda: sum("relay active" in r.output() for r in relays) == active, STARTUP)
        # Every relay is polling before the articles fall due, all in the same instant.
        due = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        ids = [
            client.post(
                "/v1/articles",
                json={
                    "title": f"Hẹn giờ {n}",
                    "category": "kinh-te",
                    "status": "scheduled",
                    "published_at": due,
                },
                headers=AUTH,
            ).get_json()["id"]
            for n in range(10)
        ]
        wait_until(lambda: all(client.get(f"/v1/articles/{i}").status_code == 200 for i in ids))
        wait_until(lambda: pending(db) == 0)
    finally:
        stopped = [relay.stop() for relay in relays]
    outputs = [relay.output() for relay in relays]
    assert stopped == [0, 0, 0], [output[-2000:] for output in outputs]
    # The relays share the work without fighting over it: no round failed on a conflict.
    assert not [output for output in outputs if "round failed" in output]
    published = [e for e in stream_events(redis_client) if e["type"] == "article.published"]
    assert sorted(e["data"]["article_id"] for e in published) == sorted(ids)
    for article_id in ids:
        assert client.get(f"/v1/articles/{article_id}").get_json()["version"] == 2


def test_relay_stops_cleanly_on_sigterm(process_env):
    relay = start_relay(process_env)
    wait_until(lambda: "relay active" in relay.output(), STARTUP)
    relay.signal(signal.SIGTERM)
    assert relay.proc.wait(timeout=10) == 0
    assert "relay stopped" in relay.output()


def test_standby_relays_follow_the_database_rule(db, process_env, make_article, redis_client):
    """SQLite: one relay active, a standby takes over when it dies. PostgreSQL: all active."""
    first = start_relay(process_env, "relay-a")
    wait_until(lambda: "relay active" in first.output(), STARTUP)
    second = start_relay(process_env, "relay-b")
    try:
        wait_until(lambda: "relay starting" in second.output(), STARTUP)
        if db.sqlite:
            make_article(title="Trong khi chờ")
            wait_until(lambda: pending(db) == 0)
            assert "relay active" not in second.output()
            first.kill()
            wait_until(lambda: "relay active" in second.output(), STARTUP)
        else:
            wait_until(lambda: "relay active" in second.output(), STARTUP)
        make_article(title="Sau khi đổi")
        wait_until(lambda: pending(db) == 0)
    finally:
        first.stop()
        second.stop()
    assert len(stream_events(redis_client)) == len(outbox_rows(db))


def test_relay_waits_out_a_redis_outage(make_article, db, settings, redis_server, redis_client):
    make_article(title="Trước sự cố")
    redis_server.kill()
    try:
        with pytest.raises(redis.exceptions.ConnectionError):
            Relay(settings, database=db).run_once()
        assert pending(db) == 1
    finally:
        redis_server.start()
    assert Relay(settings, database=db).run_once() == 1


def test_sent_rows_are_pruned_after_the_retention_period_pending_ones_never(
    make_article, db, settings
):
    from articles import outbox
    from articles.models import utcnow

    make_article(title="Một")
    make_article(title="Hai")
    Relay(settings, database=db).run_once()
    assert len(outbox_rows(db)) == 2  # sent just now: kept
    make_article(title="Ba")
    with db.write_session() as session:
        assert outbox.prune(session, utcnow() + timedelta(seconds=1)) == 2
    rows = outbox_rows(db)
    assert len(rows) == 1
    assert rows[0]["sent_at"] is None
