"""Operator commands: ``python -m newsroom.manage upgrade | create-user | ensure-admin``.

``upgrade`` applies the Alembic migrations shipped in the package (the same ones on
SQLite and PostgreSQL). ``create-user`` reads the password from ``--password-stdin`` or
asks for it. ``ensure-admin`` creates ``admin`` with a random password, printed once,
when there is no user at all (``make run`` calls it).
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from newsroom import audit
from newsroom.accounts import AccountError, count_users, create_user
from newsroom.db import Database
from newsroom.models import ROLES
from newsroom.settings import Settings
from portalkit.process import start_process


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "newsroom:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``."""
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_admin(database: Database) -> str | None:
    """Create ``admin`` with a random password when there is no user; returns the password."""
    with database.session() as session:
        if count_users(session):
            return None
        password = secrets.token_urlsafe(15)
        create_user(session, "admin", password, "admin", "Quản trị")
        audit.record(session, "manage", "user.created", "admin", "admin")
    return password


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsroom.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="apply database migrations")
    create = commands.add_parser("create-user", help="add a user")
    create.add_argument("username")
    create.add_argument("--role", choices=ROLES, default="author")
    create.add_argument("--name", default="", help="display name (byline)")
    create.add_argument("--password-stdin", action="store_true")
    commands.add_parser("ensure-admin", help="create admin with a random password if no user")
    args = parser.parse_args(argv)
    settings = start_process("newsroom", Settings.from_env)
    database = Database(settings.database_url)
    try:
        if args.command == "upgrade":
            upgrade(database.engine)
            print("newsroom database schema is up to date")
        elif args.command == "create-user":
            password = _read_password(args.password_stdin)
            with database.session() as session:
                create_user(session, args.username, password, args.role, args.name)
                audit.record(session, "manage", "user.created", args.username, args.role)
            print(f"user {args.username} ({args.role}) created")
        elif (password := ensure_admin(database)) is not None:
            print(f"newsroom: created user admin with password {password} (shown once)")
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
