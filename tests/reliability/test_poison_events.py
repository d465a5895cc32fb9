"""Poison events on each stream, read by the real consumers (``counter-consumer`` and
``web-consumer``, their Procfile lines): every entry off the contract is dead-lettered
with its reason, changes nothing, and stops nobody; valid neighbours apply as usual.
"""

from __future__ import annotations

import json
import uuid

import pytest
import redis
import requests
from reliability_kit import figures, new_view

from portalkit.events import (
    ARTICLES_STREAM,
    DEAD_LETTER_STREAM,
    WEATHER_STREAM,
    ArticlePublished,
    WeatherUpdated,
    to_fields,
)
from portalkit.redis_client import connect
from portalkit.streams import EventBus
from support.servers import RedisServer, wait_until
from support.stack import Stack

pytestmark = pytest.mark.slow

DEEP = 100_000


def entry(type_: str, data: object, **envelope: object) -> dict[str, str]:
    """A stream entry; ``data`` as given when it is text, else as JSON."""
    fields = {
        "id": str(uuid.uuid4()),
        "type": type_,
        "occurred_at": "2026-11-30T08:00:00Z",
        "source": "poison",
        "data": data if isinstance(data, str) else json.dumps(data),
    }
    fields.update({key: str(value) for key, value in envelope.items()})
    return fields


def without(fields: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in fields.items() if key != name}


def article_poisons() -> dict[str, dict[str, str]]:
    deleted = "article.deleted"
    ok = {"article_id": 1, "slug": "bai-1"}
    poisons = {
        f"article_id={label}": entry(deleted, {**ok, "article_id": value})
        for label, value in {
            "*": "*",
            "1 OR 1": "1 OR 1",
            "-1": -1,
            "0": 0,
            "10^30": 10**30,
            "1.5": 1.5,
            "true": True,
            "null": None,
            "[1]": [1],
        }.items()
    }
    poisons.update(
        {
            "article_id missing": entry(deleted, {"slug": "bai-1"}),
            "article_id NaN": entry(deleted, '{"article_id": NaN, "slug": "bai-1"}'),
            "slug a number": entry(deleted, {**ok, "slug": 123}),
            "slug huge": entry(deleted, {**ok, "slug": "x" * 10_000}),
            "old_slugs an object": entry(deleted, {**ok, "old_slugs": {"a": 1}}),
            "data nested deep": entry(deleted, "[" * DEEP + "]" * DEEP),
            "field nested deep": entry(
                deleted, f'{{"article_id": 1, "slug": {"[" * 50}{"]" * 50}}}'
            ),
            "data huge": entry(deleted, {**ok, "padding": "x" * 200_000}),
            "data not JSON": entry(deleted, "{"),
            "data a list": entry(deleted, [1]),
            "unknown type": entry("article.exploded", ok),
            "occurred_at not a time": entry(deleted, ok, occurred_at="yesterday"),
            "id not a UUID": entry(deleted, ok, id="*"),
        }
    )
    good = entry(deleted, ok)
    for name in ("id", "type", "data", "occurred_at"):
        poisons[f"{name} missing"] = without(good, name)
    return poisons


def weather_poisons() -> dict[str, dict[str, str]]:
    updated = "weather.updated"
    poisons = {
        "location missing": entry(updated, {}),
        "location a number": entry(updated, {"location": 7}),
        "location a list": entry(updated, {"location": ["yen-bai"]}),
        "location huge": entry(updated, {"location": "x" * 10_000}),
        "location nested deep": entry(updated, f'{{"location": {"[" * 50}{"]" * 50}}}'),
        "data nested deep": entry(updated, "{" * 1 + '"a":' + "[" * DEEP + "]" * DEEP + "}"),
        "data huge": entry(updated, {"location": "yen-bai", "padding": "x" * 200_000}),
        "observed_at an object": entry(updated, {"location": "yen-bai", "observed_at": {}}),
        "data not JSON": entry(updated, "]"),
        "unknown type": entry("weather.exploded", {"location": "yen-bai"}),
        "id not a UUID": entry(updated, {"location": "yen-bai"}, id="1 OR 1"),
    }
    good = entry(updated, {"location": "yen-bai"})
    for name in ("id", "type", "data", "occurred_at"):
        poisons[f"{name} missing"] = without(good, name)
    return poisons


def views(stack: Stack, *ids: int) -> dict[str, int]:
    reply = requests.get(
        stack.url("counter") + "/v1/views", params={"ids": ",".join(map(str, ids))}, timeout=10
    )
    return reply.json()["counts"]


def view(stack: Stack, article_id: int) -> dict:
    return new_view(stack.url("counter"), article_id)


def caught_up(client: redis.Redis, stream: str, groups: set[str]) -> bool:
    last = client.xinfo_stream(stream)["last-generated-id"]
    info = {group["name"]: group for group in client.xinfo_groups(stream)}
    return all(
        name in info and info[name]["pending"] == 0 and info[name]["last-delivered-id"] == last
        for name in groups
    )


def test_poison_events_are_dead_lettered_with_a_reason_and_change_nothing(tmp_path):
    server = RedisServer().start()
    stack = Stack(tmp_path, server.url, env={"RATE_LIMIT_PER_MIN": "1000000"})
    client = connect(server.url)
    bus = EventBus(client)
    try:
        stack.start("counter", "counter-consumer", "web-consumer")
        for article_id in (1, 2):
            bus.publish(ArticlePublished(article_id=article_id, slug=f"bai-{article_id}"))
        wait_until(lambda: view(stack, 1)["counted"] and view(stack, 2)["counted"], timeout=30)
        wait_until(lambda: len(client.xinfo_groups(WEATHER_STREAM)) == 1, timeout=30)
        before = views(stack, 1, 2)

        poisoned: dict[str, set[str]] = {ARTICLES_STREAM: set(), WEATHER_STREAM: set()}
        valid: set[tuple[str, str]] = set()
        for stream, poisons in (
            (ARTICLES_STREAM, article_poisons()),
            (WEATHER_STREAM, weather_poisons()),
        ):
            for fields in poisons.values():
                poisoned[stream].add(client.xadd(stream, fields))
        valid.add((ARTICLES_STREAM, bus.publish(ArticlePublished(article_id=3, slug="bai-3"))))
        valid.add((WEATHER_STREAM, bus.publish(WeatherUpdated(location="yen-bai"))))
        fields = to_fields(ArticlePublished(article_id=4, slug="bai-4"))
        valid.add((ARTICLES_STREAM, client.xadd(ARTICLES_STREAM, fields)))

        wait_until(lambda: caught_up(client, ARTICLES_STREAM, {"counter", "web"}), timeout=60)
        wait_until(lambda: caught_up(client, WEATHER_STREAM, {"web"}), timeout=60)
        dead = client.xrange(DEAD_LETTER_STREAM)
        by_group: dict[tuple[str, str], set[str]] = {}
        reasons = {}
        for _id, fields in dead:
            by_group.setdefault((fields["stream"], fields["group"]), set()).add(fields["entry_id"])
            reasons[(fields["group"], fields["entry_id"])] = fields["reason"]
        after = views(stack, 1, 2)
        third, fourth = view(stack, 3), view(stack, 4)
        alive = {name: proc.alive() for name, proc in stack.processes.items()}
        line = figures(
            "poison",
            articles_poisons=len(poisoned[ARTICLES_STREAM]),
            weather_poisons=len(poisoned[WEATHER_STREAM]),
            dead_letters=len(dead),
            counts_before=before,
            counts_after=after,
            alive=alive,
        )
    finally:
        stack.close()
        server.cleanup()

    assert len(poisoned[ARTICLES_STREAM]) >= 20 and len(poisoned[WEATHER_STREAM]) >= 15, line
    assert by_group.get((ARTICLES_STREAM, "counter")) == poisoned[ARTICLES_STREAM], line
    assert by_group.get((ARTICLES_STREAM, "web")) == poisoned[ARTICLES_STREAM], line
    assert by_group.get((WEATHER_STREAM, "web")) == poisoned[WEATHER_STREAM], line
    assert all(reason for reason in reasons.values()), reasons
    assert not valid & {(f["stream"], f["entry_id"]) for _id, f in dead}, line
    assert after == before, line
    assert third["counted"] is True and fourth["counted"] is True, line
    assert all(alive.values()), line


def test_a_consumer_thread_that_fails_takes_its_process_down(tmp_path):
    """A failure that is not Redis trouble (here the weather stream replaced by a string)
    ends web-consumer with status 1, for its supervisor to start it again; its other
    thread does not carry on alone, unseen."""
    server = RedisServer().start()
    stack = Stack(tmp_path, server.url)
    client = connect(server.url)
    try:
        stack.start("web-consumer")
        wait_until(lambda: len(client.xinfo_groups(WEATHER_STREAM)) == 1, timeout=30)
        client.delete(WEATHER_STREAM)
        client.set(WEATHER_STREAM, "not a stream")
        proc = stack.processes["web-consumer"]
        wait_until(lambda: not proc.alive(), timeout=30)
        code = proc.proc.returncode
        line = figures("consumer-failure", exit_code=code)
    finally:
        stack.close()
        server.cleanup()
    assert code == 1, line
