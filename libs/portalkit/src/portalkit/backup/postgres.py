"""PostgreSQL: pg_dump in its custom format, pg_restore in one transaction.

The password goes to the client programs in ``PGPASSWORD``, never on their command
line, where any process of the host could read it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit, urlunsplit


class DatabaseError(RuntimeError):
    """pg_dump, pg_restore or psql failed; the message is theirs."""


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A URL libpq accepts (no SQLAlchemy driver, no password) and the environment with
    ``PGPASSWORD`` set from it."""
    parts = urlsplit(url)
    scheme = "postgresql"
    host = parts.netloc.rpartition("@")[2]
    user = parts.netloc.rpartition("@")[0].partition(":")[0] if "@" in parts.netloc else ""
    netloc = f"{user}@{host}" if user else host
    environment = dict(os.environ)
    if parts.password is not None:
        environment["PGPASSWORD"] = unquote(parts.password)
    return urlunsplit(parts._replace(scheme=scheme, netloc=netloc)), environment


def dump(url: str, write: Callable[[BinaryIO], None]) -> None:
    """Run pg_dump of the whole database and hand its output stream to ``write``."""
    address, environment = libpq(url)
    command = ["pg_dump", "--format=custom", "--compress=6", f"--dbname={address}"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment
    ) as process:
        assert process.stdout is not None
        write(process.stdout)
        errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise DatabaseError(f"pg_dump failed ({process.returncode}): {errors.strip()}")


def table_count(url: str) -> int:
    """How many tables the database holds outside PostgreSQL's own schemas."""
    address, environment = libpq(url)
    query = (
        "SELECT count(*) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    )
    result = subprocess.run(
        ["psql", "--no-psqlrc", "--tuples-only", "--no-align", address, "--command", query],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if result.returncode != 0:
        raise DatabaseError(f"psql failed: {result.stderr.strip()}")
    return int(result.stdout.strip())


def restore(url: str, path: Path, clean: bool = False) -> None:
    """pg_restore ``path`` into the database, all or nothing (one transaction).

    Ownership and grants are left out: the restoring user owns what it makes, which is
    what a new server with other role names needs.
    """
    address, environment = libpq(url)
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", f"--dbname={address}"]
    if clean:
        command += ["--clean", "--if-exists"]
    result = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, env=environment, check=False
    )
    if result.returncode != 0:
        raise DatabaseError(f"pg_restore failed ({result.returncode}): {result.stderr.strip()}")
