"""The articles service's settings: the common ones plus its database and relay."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from articles.media.config import MediaSettings
from portalkit.config import CommonSettings, database_url, env, integer, number, with_password


def default_database_url() -> str:
    """A SQLite file under ./var/ of the directory the process runs in."""
    return f"sqlite:///{Path(os.getcwd()) / 'var' / 'articles.db'}"


@dataclass(frozen=True)
class Settings(MediaSettings, CommonSettings):
    database_url: str = field(default_factory=default_database_url)
    relay_interval_s: float = 1.0
    relay_batch: int = 200
    db_pool_size: int = 5
    outbox_retention_days: int = 7
    read_cache_bytes: int = 4 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        database = env("DATABASE_URL", default_database_url(), database_url, environ)
        password = env("POSTGRES_PASSWORD", "", str, environ)
        return cls.with_common(
            environ,
            **vars(MediaSettings.from_env(environ)),
            # The password apart from the URL, so that it can come from a secret file.
            database_url=with_password(database, password, "POSTGRES_PASSWORD"),
            relay_interval_s=env("RELAY_INTERVAL_S", "1", number(minimum=0.01), environ),
            relay_batch=env("RELAY_BATCH", "200", integer(1, 10_000), environ),
            db_pool_size=env("DB_POOL_SIZE", "5", integer(1, 100), environ),
            outbox_retention_days=env("OUTBOX_RETENTION_DAYS", "7", integer(1, 3650), environ),
            read_cache_bytes=env(
                "ARTICLES_READ_CACHE_BYTES", "4194304", integer(0, 1 << 30), environ
            ),
        )
