"""Database engines and sessions for SQLite (embedded) and PostgreSQL (psycopg 3).

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions
on SQLite begin with ``BEGIN IMMEDIATE`` (see :func:`write_session`): a deferred
transaction that reads first and writes later can fail at once with "database is
locked" when another writer committed in between; an immediate one waits its turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5
PG_STATEMENT_TIMEOUT_MS = 15_000


def normalize_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` use psycopg 3; SQLite URLs stay as they are."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine for ``DATABASE_URL``; creates the directory of a SQLite file."""
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            # No pre-ping: a file database has no connection to lose, and the ping cost
            # a statement on every checkout.
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_timeout=10,
        # A database that stops answering (dropped packets, not refusals) must not hold
        # a request longer than gunicorn's timeout: bounded connect, keepalives that
        # notice a dead peer, and a statement timeout set on every new connection.
        connect_args={
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {PG_STATEMENT_TIMEOUT_MS}")
        dbapi_connection.commit()

    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Transactions are begun by us below, not by the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        options = connection.get_execution_options()
        if options.get("sqlite_single_statement"):
            return  # one SELECT is its own transaction; BEGIN would add a statement
        connection.exec_driver_sql(
            "BEGIN IMMEDIATE" if options.get("sqlite_immediate") else "BEGIN"
        )


class Database:
    """An engine with a session factory for reads and one for writes."""

    def __init__(self, url: str, pool_size: int = 5) -> None:
        self.engine = make_engine(url, pool_size)
        self.sqlite = is_sqlite(self.engine)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        writer = (
            self.engine.execution_options(sqlite_immediate=True) if self.sqlite else self.engine
        )
        self._writes = sessionmaker(writer, expire_on_commit=False)
        self._single = (
            self.engine.execution_options(sqlite_single_statement=True)
            if self.sqlite
            else self.engine
        )

    def single_read(self) -> Connection:
        """A connection for one read statement (on SQLite, without BEGIN)."""
        return self._single.connect()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with self._reads() as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self._writes() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        self.engine.dispose()
