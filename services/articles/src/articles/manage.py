"""Operator commands: ``python -m articles.manage upgrade|seed [--if-empty]``.

``upgrade`` applies the Alembic migrations shipped in the package (the same ones on
SQLite and PostgreSQL); ``seed`` loads the sample content through the same domain
functions as the API, so published samples have their outbox events.
"""

from __future__ import annotations

import argparse
import logging
import sys

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from articles.db import Database
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m articles.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="apply database migrations")
    seed_parser = commands.add_parser("seed", help="load the sample articles")
    seed_parser.add_argument(
        "--if-empty", action="store_true", help="only when there is no category yet"
    )
    args = parser.parse_args(argv)
    settings = start_process("articles", Settings.from_env)
    database = Database(settings.database_url)
    try:
        if args.command == "upgrade":
            upgrade(database.engine)
            print("database schema is up to date")
        else:
            from articles.seed import seed

            created = seed(database, if_empty=args.if_empty)
            print(f"sample content: {created} articles added")
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
