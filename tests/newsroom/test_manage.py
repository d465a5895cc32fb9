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
