"""The outbox relay (``python -m articles.relay``): publishes scheduled articles when due,
then sends the outbox to ``events:articles`` in the order it was written.

Several relays may run: on PostgreSQL all work (rows are claimed with ``SKIP LOCKED``);
on SQLite one at a time holds a ``flock`` beside the database (docs/design-notes.md).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import redis
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from articles import outbox, store
from articles.db import Database, normalize_url
from articles.models import utcnow
from articles.outbox_metrics import OutboxCollector
from articles.settings import Settings
from portalkit.process import run_process
from portalkit.process_metrics import ProcessMetrics
from portalkit.redis_client import connect
from portalkit.redis_errors import Backoff, is_redis_trouble
from portalkit.streams import EventBus

log = logging.getLogger(__name__)

PRUNE_EVERY_S = 3600
ANNOUNCED = "articles:relay:announced"
"""Set once the stream has been told which articles are published; a Redis that lost its
data has lost this key too, and the relay then tells the stream again."""


class FileLock:
    """A non-blocking exclusive ``flock``, held until released or the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def sqlite_lock_path(database_url: str) -> Path:
    database = make_url(normalize_url(database_url)).database or "articles.db"
    return Path(f"{database}.relay.lock")


class Relay:
    def __init__(
        self,
        settings: Settings,
        database: Database | None = None,
        client: redis.Redis | None = None,
    ) -> None:
        self.settings = settings
        self.database = database or Database(settings.database_url, pool_size=2)
        self.bus = EventBus(client or connect(settings.redis_url), settings.stream_maxlen)
        self.skip_locked = not self.database.sqlite
        self.lock = (
            FileLock(sqlite_lock_path(settings.database_url)) if self.database.sqlite else None
        )
        self._stop = threading.Event()
        self._next_prune = 0.0
        self.metrics = ProcessMetrics()
        self.metrics.register(OutboxCollector(self.database))
        self.published = self.metrics.counter(
            "articles_relay_published_events", "Outbox events this relay sent to their stream."
        )
        self.failures = self.metrics.counter(
            "articles_relay_failures",
            "Relay rounds that failed and were retried, by what failed.",
            ("kind",),
        )
        self.active = self.metrics.gauge(
            "articles_relay_active", "1 while this relay sends (holds the lock on SQLite)."
        )

    def stop(self, *_: object) -> None:
        self._stop.set()

    def run_once(self) -> int:
        """One round: due publications, then every pending event; returns events sent."""
        with self.database.write_session() as session:
            due = store.publish_due(session, skip_locked=self.skip_locked)
        if due:
            log.info("scheduled articles published", extra={"ids": [a.id for a in due]})
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_EVERY_S
            cutoff = utcnow() - timedelta(days=self.settings.outbox_retention_days)
            with self.database.write_session() as session:
                pruned = outbox.prune(session, cutoff)
            if pruned:
                log.info("sent outbox rows pruned", extra={"rows": pruned})
        # Without Redis there is nothing to do; asking first keeps a round from holding
        # the database's write lock (SQLite) while the client waits out a dead server.
        if not self.bus.client.exists(ANNOUNCED):
            self.reannounce(unless_all_pending=True)
        sent = 0
        while not self._stop.is_set():
            with self.database.write_session() as session:
                count = outbox.publish_pending(
                    session, self.bus, self.settings.relay_batch, self.skip_locked
                )
            sent += count
            self.published.inc(count)
            if count < self.settings.relay_batch:
                break
        return sent

    def reannounce(self, unless_all_pending: bool = False) -> int:
        """Queue the current state of every published article, then remember it was done.

        Run when Redis holds no trace of an earlier announcement (a Redis that lost its
        data, or a first start); ``python -m articles.manage reannounce`` runs it on demand.
        With ``unless_all_pending``, a database whose whole history is still waiting in the
        outbox (nothing was ever sent) is left to the outbox.
        """
        count = 0
        with self.database.read_session() as session:
            skip = unless_all_pending and outbox.nothing_sent_yet(session)
        after = 0
        while not skip and not self._stop.is_set():
            with self.database.write_session() as session:
                ids = store.reannounce_published(session, after)
            if not ids:
                break
            count, after = count + len(ids), ids[-1]
        self.bus.client.set(ANNOUNCED, utcnow().isoformat())
        if count:
            log.warning("published articles announced again", extra={"articles": count})
        return count

    def run(self) -> None:
        log.info("relay starting", extra={"sqlite": self.database.sqlite})
        backoff = Backoff(0.1, 10.0)
        active = False
        while not self._stop.is_set():
            if self.lock is not None and not self.lock.acquire():
                active = False
                self.active.set(0)
                self._stop.wait(self.settings.relay_interval_s)
                continue
            if not active:
                active = True
                self.active.set(1)
                log.info("relay active")
            try:
                self.run_once()
                backoff.reset()
            except (redis.exceptions.RedisError, DBAPIError) as exc:
                passing = isinstance(exc, (DBAPIError, redis.exceptions.WatchError))
                if not (passing or is_redis_trouble(exc)):
                    raise
                self.failures.labels("database" if isinstance(exc, DBAPIError) else "redis").inc()
                log.warning("relay round failed; retrying: %s", exc)
                self._stop.wait(backoff.next())
                continue
            self._stop.wait(self.settings.relay_interval_s)
        if self.lock is not None:
            self.lock.release()
        self.database.dispose()
        log.info("relay stopped")


def main() -> None:
    run_process(
        "articles-relay",
        Settings.from_env,
        lambda settings: [Relay(settings)],
        lambda relays: relays[0].metrics,
    )


if __name__ == "__main__":
    main()
