"""The backup's settings: what to back up, where to, how often, how many to keep."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlparse

from portalkit.config import CommonSettings, ConfigError, env, http_url, integer, with_password

DURATION = re.compile(r"^(\d+)\s*([smhd]?)$")
UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_s(raw: str) -> int:
    """``90``, ``90s``, ``15m``, ``6h``, ``1d`` -> seconds (at least a minute)."""
    match = DURATION.match(raw.strip().lower())
    if not match:
        raise ValueError("expected seconds or a number with s, m, h or d (e.g. 6h)")
    seconds = int(match[1]) * UNIT_S[match[2]]
    if seconds < 60:
        raise ValueError("must be at least a minute")
    return seconds


def target_url(raw: str) -> str:
    """``file:///dir`` (or a path) or ``s3://bucket/prefix``."""
    parsed = urlparse(raw)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError("expected s3://bucket/prefix")
        return raw.rstrip("/")
    if parsed.scheme == "file":
        return raw.rstrip("/") or "file:///"
    if parsed.scheme == "":
        return Path(raw).resolve().as_uri()
    raise ValueError("expected file:///path or s3://bucket/prefix")


def postgres_url(raw: str) -> str:
    if urlparse(raw).scheme.split("+")[0] not in {"postgresql", "postgres"}:
        raise ValueError("backups are taken of PostgreSQL: expected postgresql://...")
    return raw


def default_target() -> str:
    return (Path(os.getcwd()) / "var" / "backups").as_uri()


@dataclass(frozen=True)
class Settings(CommonSettings):
    checks_tokens: ClassVar[bool] = False

    database_url: str = "postgresql://portal@127.0.0.1:5432/portal"
    backup_target: str = field(default_factory=default_target)
    backup_interval_s: int = 86400
    backup_keep: int = 7
    s3_endpoint_url: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        database = env("DATABASE_URL", cls.database_url, postgres_url, environ)
        password = env("POSTGRES_PASSWORD", "", str, environ)
        key_id = env("S3_ACCESS_KEY_ID", None, str, environ)
        secret = env("S3_SECRET_ACCESS_KEY", None, str, environ)
        if bool(key_id) != bool(secret):
            name = "S3_SECRET_ACCESS_KEY" if key_id else "S3_ACCESS_KEY_ID"
            raise ConfigError(name, "", "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together")
        return cls.with_common(
            environ,
            database_url=with_password(database, password, "POSTGRES_PASSWORD"),
            backup_target=env("BACKUP_TARGET", default_target(), target_url, environ),
            backup_interval_s=env("BACKUP_INTERVAL", "1d", duration_s, environ),
            backup_keep=env("BACKUP_KEEP", "7", integer(1, 10_000), environ),
            s3_endpoint_url=env("S3_ENDPOINT_URL", None, http_url, environ),
            s3_access_key_id=key_id,
            s3_secret_access_key=secret,
        )
