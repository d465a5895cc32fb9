"""Operator commands: the first admin with a password shown once, and create-user."""

from __future__ import annotations

import subprocess
import sys

from newsroom import extensions
from newsroom.accounts import find_user
from newsroom.models import Base
from newsroom.passwords import verify_password
from support.servers import ROOT


def manage(settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "NEWSROOM_DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "newsroom.manage", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ensure_admin_creates_admin_once_when_there_is_no_user(app, settings):
    with extensions.database(app).session() as session:
        session.execute(Base.metadata.tables["users"].delete())

    first = manage(settings, "ensure-admin")
    second = manage(settings, "ensure-admin")

    assert first.returncode == second.returncode == 0
    password = first.stdout.split("password ")[1].split()[0]
    assert second.stdout == ""
    with extensions.database(app).session() as session:
        admin = find_user(session, "admin")
        assert admin.role == "admin"
        assert verify_password(admin.password_hash, password)


def test_create_user_reads_the_password_from_stdin(app, settings):
    made = manage(
        settings,
        "create-user",
        "bien-tap-2",
        "--role",
        "editor",
        "--name",
        "Đỗ Biên Tập",
        "--password-stdin",
        stdin="mat-khau-dai-du\n",
    )
    short = manage(settings, "create-user", "ngan", "--password-stdin", stdin="ngan\n")

    assert made.returncode == 0, made.stderr
    assert short.returncode == 1
    assert "10" in short.stderr
    with extensions.database(app).session() as session:
        editor = find_user(session, "bien-tap-2")
        assert (editor.role, editor.display_name) == ("editor", "Đỗ Biên Tập")
        assert find_user(session, "ngan") is None


def test_the_migrations_live_beside_the_articles_ones_in_one_database(tmp_path):
    """Compose gives both services one PostgreSQL database: their Alembic histories
    must not meet in one version table."""
    from sqlalchemy import inspect

    from articles.db import Database as ArticlesDatabase
    from articles.manage import upgrade as upgrade_articles
    from newsroom.db import Database
    from newsroom.manage import upgrade

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    articles = ArticlesDatabase(url)
    upgrade_articles(articles.engine)
    newsroom = Database(url)
    upgrade(newsroom.engine)

    tables = set(inspect(newsroom.engine).get_table_names())
    assert {"articles", "users", "audit_log", "newsroom_alembic_version"} <= tables
    articles.dispose()
    newsroom.dispose()
