"""The newsroom's settings: the common ones plus its database, sessions and the APIs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from portalkit.config import (
    DEV_TOKEN,
    CommonSettings,
    boolean,
    database_url,
    env,
    http_url,
    integer,
    number,
    with_password,
)
from portalkit.preview import DEV_PREVIEW_SECRET, preview_secret

DEV_SECRET_KEY = "dev-only-newsroom-secret-change-me"  # noqa: S105 - local default, replaced in production


def default_database_url() -> str:
    """A SQLite file under ./var/ of the directory the process runs in."""
    return f"sqlite:///{Path(os.getcwd()) / 'var' / 'newsroom.db'}"


@dataclass(frozen=True)
class Settings(CommonSettings):
    """Where the newsroom keeps its accounts, how it guards them, and the APIs it calls."""

    max_body_bytes: int = 256 * 1024  # forms; a photo goes through its own limit
    database_url: str = field(default_factory=default_database_url)
    secret_key: str = DEV_SECRET_KEY
    api_token: str = DEV_TOKEN
    articles_url: str = "http://127.0.0.1:8001"
    counter_url: str = "http://127.0.0.1:8002"
    weather_url: str = "http://127.0.0.1:8003"
    public_url: str | None = None
    require_2fa: bool = False
    session_max_age_s: int = 12 * 3600
    session_idle_s: int = 2 * 3600
    login_max_failures: int = 5
    address_max_failures: int = 30
    lockout_s: int = 900
    proxy_hops: int = 0
    connect_timeout_s: float = 1.0
    read_timeout_s: float = 10.0
    media_max_bytes: int = 20 * 1024 * 1024
    preview_secret: str = DEV_PREVIEW_SECRET
    web_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        def count(name: str, default: int, top: int) -> int:
            return env(name, str(default), integer(1, top), environ)

        database = env("NEWSROOM_DATABASE_URL", default_database_url(), database_url, environ)
        password = env("POSTGRES_PASSWORD", "", str, environ)
        return cls.with_common(
            environ,
            max_body_bytes=cls.max_body_bytes,
            # The password apart from the URL, so that it can come from a secret file.
            database_url=with_password(database, password, "POSTGRES_PASSWORD"),
            secret_key=env("NEWSROOM_SECRET_KEY", cls.secret_key, _secret, environ),
            api_token=env("NEWSROOM_API_TOKEN", cls.api_token, _secret, environ),
            articles_url=env("ARTICLES_URL", cls.articles_url, http_url, environ),
            counter_url=env("COUNTER_URL", cls.counter_url, http_url, environ),
            weather_url=env("WEATHER_URL", cls.weather_url, http_url, environ),
            # The portal's public address: preview links open there, and an https one
            # makes the newsroom's cookies Secure.
            public_url=env("PUBLIC_URL", None, _public_url, environ),
            require_2fa=env("NEWSROOM_REQUIRE_2FA", "false", boolean, environ),
            session_max_age_s=count(
                "NEWSROOM_SESSION_MAX_AGE_S", cls.session_max_age_s, 30 * 86400
            ),
            session_idle_s=count("NEWSROOM_SESSION_IDLE_S", cls.session_idle_s, 30 * 86400),
            login_max_failures=count("NEWSROOM_LOGIN_MAX_FAILURES", cls.login_max_failures, 100),
            address_max_failures=count(
                "NEWSROOM_ADDRESS_MAX_FAILURES", cls.address_max_failures, 10_000
            ),
            lockout_s=count("NEWSROOM_LOCKOUT_S", cls.lockout_s, 86400),
            proxy_hops=env("NEWSROOM_PROXY_HOPS", "0", integer(0, 5), environ),
            connect_timeout_s=env(
                "API_CONNECT_TIMEOUT_S", str(cls.connect_timeout_s), number(0.01), environ
            ),
            read_timeout_s=env(
                "NEWSROOM_API_TIMEOUT_S", str(cls.read_timeout_s), number(0.01), environ
            ),
            # Preview links are signed with the secret the web checks them with, and open
            # on the portal's public address (else the web's own).
            preview_secret=env(
                "PREVIEW_SECRET", cls.preview_secret, preview_secret, environ, secret=True
            ),
            web_url=env("WEB_URL", cls.web_url, http_url, environ),
            media_max_bytes=env(
                "MEDIA_MAX_BYTES", str(cls.media_max_bytes), integer(1024, 1 << 30), environ
            ),
        )

    @property
    def secure_cookies(self) -> bool:
        return bool(self.public_url and self.public_url.startswith("https://"))


def _public_url(raw: str) -> str:
    return http_url(raw).rstrip("/")


def _secret(raw: str) -> str:
    if len(raw) < 16:
        raise ValueError("must be at least 16 characters")
    return raw
