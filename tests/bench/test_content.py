"""The state the bench leaves in Redis between runs (bench/content.py)."""

from __future__ import annotations

from bench.content import ENTRY_BYTES, forget_visitors

VISITORS = 30_000


def _slots(client) -> int:
    db = client.memory_stats()["db.0"]
    return (db["overhead.hashtable.main"] - client.dbsize() * ENTRY_BYTES) // 8


def test_forgetting_visitors_keeps_every_count_and_shrinks_the_keyspace(redis_client):
    with redis_client.pipeline(transaction=False) as pipe:
        for n in range(VISITORS):
            pipe.set(f"counter:article:{n % 50}:seen:visitor-{n}", "1", ex=1800)
        pipe.execute()
    redis_client.set("counter:article:7:views", 600)
    redis_client.set("counter:article:7:published", "1")
    redis_client.pfadd("counter:article:7:visitors", "a", "b")
    redis_client.zadd("counter:rank:all", {"7": 600})
    redis_client.set("counter:article:7:seen", "an article's key, not a visitor")
    assert _slots(redis_client) >= VISITORS  # the table grew with the keys

    deleted = forget_visitors(redis_client)

    assert deleted == VISITORS
    assert sorted(redis_client.keys("*")) == [
        "counter:article:7:published",
        "counter:article:7:seen",
        "counter:article:7:views",
        "counter:article:7:visitors",
        "counter:rank:all",
    ]
    assert redis_client.get("counter:article:7:views") == "600"
    # Returned only once Redis sized its table down to what is left (its cron does it
    # about a tenth of a second after the delete): the next run starts from a small one.
    assert _slots(redis_client) <= 64
