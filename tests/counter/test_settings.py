"""Settings come from the environment, with working defaults; a bad value is named."""

from __future__ import annotations

import ipaddress

import pytest

from counter.settings import Settings
from portalkit.config import ConfigError


def test_defaults_work_for_a_local_run():
    settings = Settings.from_env({})

    assert settings.count_window_s == 1800
    assert settings.count_exclude_ips == ()
    assert settings.trusted_proxies == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
    )
    assert settings.rate_limit_per_min == 120
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.batch_body_bytes == 2 * 1024 * 1024


def test_values_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "COUNT_WINDOW_S": "600",
            "COUNT_EXCLUDE_IPS": "10.0.0.0/8, 203.0.113.5,2001:db8::/32",
            "TRUSTED_PROXIES": "172.16.0.0/12",
            "RATE_LIMIT_PER_MIN": "30",
            "COUNTER_SALT_SECRET": "a long secret",
            "RANKING_CACHE_S": "5",
            "REDIS_URL": "redis://redis:6379/2",
        }
    )

    assert settings.count_window_s == 600
    assert [str(n) for n in settings.count_exclude_ips] == [
        "10.0.0.0/8",
        "203.0.113.5/32",
        "2001:db8::/32",
    ]
    assert [str(n) for n in settings.trusted_proxies] == ["172.16.0.0/12"]
    assert (settings.rate_limit_per_min, settings.ranking_cache_s) == (30, 5)
    assert settings.salt_secret == "a long secret"
    assert settings.redis_url == "redis://redis:6379/2"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COUNT_WINDOW_S", "half an hour"),
        ("COUNT_WINDOW_S", "0"),
        ("COUNT_EXCLUDE_IPS", "10.0.0.0/33"),
        ("TRUSTED_PROXIES", "proxy.local"),
        ("RATE_LIMIT_PER_MIN", "-1"),
        ("RANKING_CACHE_S", "soon"),
    ],
)
def test_a_value_that_cannot_be_used_names_its_setting(name, value):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: value})

    assert caught.value.name == name
