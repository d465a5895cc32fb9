"""The counter's settings, read from the environment in one place."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from portalkit.config import CommonSettings, env, integer, networks

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

VIEW_BODY_BYTES = 16 * 1024
"""Largest body of a single-view (or set-count) request."""

BATCH_MAX_VIEWS = 1000


@dataclass(frozen=True)
class Settings(CommonSettings):
    """Everything the API and the consumer need.

    ``salt_secret`` keys the daily salt of anonymous visitor hashes. When it is empty,
    each day's salt is random, made once per day by whichever process needs it first and
    shared through Redis (``SET NX``), so every replica hashes a visitor alike.
    """

    count_window_s: int = 1800
    count_exclude_ips: tuple[Network, ...] = ()
    trusted_proxies: tuple[Network, ...] = (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
    )
    rate_limit_per_min: int = 120
    salt_secret: str = ""
    ranking_cache_s: int = 30
    day_keep_days: int = 35
    batch_body_bytes: int = 2 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return cls.with_common(
            environ,
            count_window_s=env("COUNT_WINDOW_S", "1800", integer(1, 31 * 86400), environ),
            count_exclude_ips=env("COUNT_EXCLUDE_IPS", (), networks, environ),
            trusted_proxies=env("TRUSTED_PROXIES", "127.0.0.1/32,::1/128", networks, environ),
            rate_limit_per_min=env("RATE_LIMIT_PER_MIN", "120", integer(1), environ),
            salt_secret=env("COUNTER_SALT_SECRET", "", str, environ),
            ranking_cache_s=env("RANKING_CACHE_S", "30", integer(0, 3600), environ),
            batch_body_bytes=env(
                "COUNTER_BATCH_BODY_BYTES", "2097152", integer(64 * 1024, 16 << 20), environ
            ),
        )
