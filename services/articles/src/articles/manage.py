"""Operator commands (``python -m articles.manage upgrade|seed [--if-empty]|reannounce``) and the
functions tooling calls (health checks, benchmarks) instead of the service's internals.

``upgrade`` applies the Alembic migrations shipped in the package (the same ones on
SQLite and PostgreSQL); ``seed`` uploads the sample photos through the API (in-process)
and loads the sample content through the same domain functions as the API, so
published samples have their outbox events.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from articles import outbox
from articles.db import Database, make_engine
from articles.settings import Settings
from portalkit.process import start_process

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "articles:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``."""
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def relay_once(settings: Settings) -> int:
    """One round of the outbox relay, outside the relay process; returns events sent."""
    from articles.relay import Relay

    relay = Relay(settings)
    try:
        return relay.run_once()
    finally:
        relay.database.dispose()


def outbox_wait_s(settings: Settings) -> float | None:
    """How long the oldest unsent outbox event has waited, in seconds (None: all sent)."""
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with engine.connect() as connection:
            oldest = outbox.oldest_unsent(connection)
    finally:
        engine.dispose()
    if oldest is None:
        return None
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return (datetime.now(UTC) - oldest).total_seconds()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m articles.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="apply database migrations")
    seed_parser = commands.add_parser("seed", help="load the sample articles")
    seed_parser.add_argument(
        "--if-empty", action="store_true", help="only when there is no category yet"
    )
    commands.add_parser(
        "reannounce",
        help="queue the state of every published article for the event stream "
        "(after Redis lost its data; the relay also does it by itself)",
    )
    args = parser.parse_args(argv)
    settings = start_process("articles", Settings.from_env)
    database = Database(settings.database_url)
    try:
        if args.command == "upgrade":
            upgrade(database.engine)
            print("database schema is up to date")
        elif args.command == "reannounce":
            from articles.relay import Relay

            count = Relay(settings, database).reannounce()
            print(f"{count} published articles queued for the event stream")
        else:
            from articles.app import create_app
            from articles.extensions import database as app_database
            from articles.media.samples import api_uploader
            from articles.seed import seed

            api = create_app(settings)
            try:
                created = seed(database, api_uploader(api), if_empty=args.if_empty)
            finally:
                app_database(api).dispose()
            print(f"sample content: {created} articles added")
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
