"""The web's settings: working defaults, and one clear error for a value that cannot be used."""

from __future__ import annotations

import subprocess
import sys

import pytest

from portalkit.config import ConfigError
from web.settings import Settings


def test_defaults_point_at_the_local_services():
    settings = Settings.from_env({})

    assert settings.articles_url == "http://127.0.0.1:8001"
    assert settings.counter_url == "http://127.0.0.1:8002"
    assert settings.weather_url == "http://127.0.0.1:8003"
    assert (settings.connect_timeout_s, settings.read_timeout_s) == (0.3, 1.0)


def test_values_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "ARTICLES_URL": "http://articles:8001/",
            "HOTLINE": "0216 000 000",
            "API_READ_TIMEOUT_S": "2.5",
            "ARTICLE_CACHE_S": "0",
        }
    )

    assert settings.articles_url == "http://articles:8001"
    assert settings.hotline == "0216 000 000"
    assert settings.read_timeout_s == 2.5
    assert settings.article_cache_s == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ARTICLES_URL", "articles:8001"),
        ("SECRET_KEY", "short"),
        ("API_CONNECT_TIMEOUT_S", "soon"),
        ("PER_PAGE", "1000"),
    ],
)
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_the_consumer_stops_at_start_with_one_line_on_a_bad_value():
    result = subprocess.run(
        [sys.executable, "-m", "web.consumer"],
        env={"PATH": "", "COUNTER_URL": "not a url"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: invalid setting COUNTER_URL='not a url': "
        "expected an http:// or https:// URL"
    ]


def test_the_web_does_not_read_api_tokens_so_it_accepts_none():
    assert Settings.from_env({"API_TOKENS": "editor:some-long-token"}).api_tokens == {}
