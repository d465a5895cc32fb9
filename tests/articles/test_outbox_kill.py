"""The outbox under fire: the relay is SIGKILLed again and again while 1,000 writes,
some rolled back, happen. Every committed change's event must reach the stream exactly
once (by event id), in commit order, and no rolled-back write may leave one."""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from articles_kit import outbox_rows

from articles import store
from articles.errors import Conflict
from articles.outbox import RECORDED
from support.servers import python_process, wait_until

WRITES = 1000
MIN_KILLS = 8
STARTUP = 90


class Abort(Exception):
    """Raised inside a write transaction to roll it back."""


class KilledRelay:
    """Runs the relay process and SIGKILLs it at random moments once it is working."""

    def __init__(self, env: dict[str, str], seed: int) -> None:
        self.env = env
        self.rng = random.Random(seed)
        self.kills = 0
        self.stopping = threading.Event()
        self.started: list = []
        self.relay = self._start()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _start(self):
        relay = python_process(["-m", "articles.relay"], env=self.env, name="relay-kill").start()
        self.started.append(relay)
        return relay

    def reoffered(self) -> int:
        """Rows a restarted relay found already in the stream (killed after XADD)."""
        return sum(p.output().count("already in the stream") for p in self.started)

    def _loop(self) -> None:
        while not (self.stopping.is_set() and self.kills >= MIN_KILLS):
            wait_until(lambda: "relay active" in self.relay.output(), STARTUP)
            self.stopping.wait(self.rng.uniform(0.05, 0.6))
            self.relay.kill()
            self.kills += 1
            self.relay = self._start()

    def finish(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=STARTUP * (MIN_KILLS + 1))
        assert not self.thread.is_alive()


def write(db, rng: random.Random, n: int, live: list[int]) -> tuple[str, list[str], bool]:
    """One random write; returns its kind, the event ids it recorded, and if it committed."""
    kind = rng.choices(["create", "update", "delete", "conflict"], [45, 35, 15, 5])[0]
    if kind in ("update", "delete") and not live:
        kind = "create"
    rollback = rng.random() < 0.2
    recorded: list[str] = []
    try:
        with db.write_session() as session:
            if kind == "create":
                article = store.create_article(
                    session,
                    {"title": f"Tin số {n}", "category": "kinh-te", "status": "published"},
                )
                target = article.id
            elif kind == "conflict":
                store.create_article(
                    session,
                    {
                        "title": "Trùng",
                        "slug": "tin-so-0",
                        "category": "kinh-te",
                        "status": "published",
                    },
                )
            elif kind == "update":
                target = rng.choice(live)
                store.update_article(session, target, {"summary": f"Sửa lần {n}"})
            else:
                target = rng.choice(live)
                store.delete_article(session, target)
            recorded = list(session.info.get(RECORDED, []))
            if rollback:
                raise Abort
    except (Abort, Conflict):
        return kind, recorded, False
    if kind == "create":
        live.append(target)
    elif kind == "delete":
        live.remove(target)
    return kind, recorded, True


@pytest.mark.slow
def test_every_committed_change_reaches_the_stream_once_through_relay_kills(
    db, categories, process_env, redis_client
):
    rng = random.Random(20231013)
    live: list[int] = []
    committed: list[str] = []
    rolled_back: list[str] = []
    committed_writes = rolled_back_writes = 0
    killer = KilledRelay({**process_env, "RELAY_BATCH": "5"}, seed=1799)
    killer.thread.start()
    try:
        for n in range(WRITES):
            _kind, events, ok = write(db, rng, n, live)
            if ok:
                committed_writes += 1
                committed += events
            else:
                rolled_back_writes += 1
                rolled_back += events
    finally:
        killer.finish()
    relay = killer.relay
    try:
        wait_until(lambda: all(row["sent_at"] for row in outbox_rows(db)), timeout=300)
    finally:
        relay.stop()

    stream_ids = [fields["id"] for _, fields in redis_client.xrange("events:articles")]
    counts = Counter(stream_ids)
    duplicates = sum(c - 1 for c in counts.values())
    missing = set(committed) - set(counts)
    leaked = set(rolled_back) & set(counts)
    unknown = set(counts) - set(committed)
    print(
        f"outbox kill test: writes={WRITES} committed={committed_writes} "
        f"rolled_back={rolled_back_writes} relay_kills={killer.kills} "
        f"reoffered_batches={killer.reoffered()} "
        f"events_committed={len(committed)} events_rolled_back={len(rolled_back)} "
        f"stream_entries={len(stream_ids)} distinct_ids={len(counts)} "
        f"duplicates={duplicates} missing={len(missing)} from_rolled_back={len(leaked)} "
        f"unknown={len(unknown)}"
    )
    assert committed_writes + rolled_back_writes == WRITES
    assert rolled_back_writes > 100
    assert len(rolled_back) > 50
    assert killer.kills >= MIN_KILLS
    assert len(committed) == committed_writes
    assert missing == set()
    assert leaked == set()
    assert unknown == set()
    assert duplicates == 0
    assert stream_ids == committed
