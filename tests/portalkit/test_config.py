"""Settings: defaults, parsing, and one clear line for a bad value."""

from __future__ import annotations

import ipaddress
import subprocess
import sys

import pytest

from portalkit.config import CommonSettings, ConfigError, networks, tokens


def test_defaults_work_for_a_local_run():
    settings = CommonSettings.from_env({})
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.log_level == "INFO"
    assert settings.api_tokens


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REDIS_URL", "notaurl"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("REDIS_URL", "redis://127.0.0.1:notaport/0"),
        ("LOG_LEVEL", "LOUD"),
        ("API_TOKENS", "nocolon"),
        ("API_TOKENS", "editor:short"),
    ],
)
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(ConfigError) as caught:
        CommonSettings.from_env({name: value})
    assert caught.value.name == name
    assert name in str(caught.value)


def test_tokens_map_secrets_to_names():
    assert tokens("editor:abcdefgh12, relay:zyxwvuts98") == {
        "abcdefgh12": "editor",
        "zyxwvuts98": "relay",
    }


def test_networks_take_addresses_and_ranges():
    parsed = networks("10.0.0.0/8, 192.168.1.7 ,::1")
    assert ipaddress.ip_address("10.2.3.4") in parsed[0]
    assert ipaddress.ip_address("192.168.1.7") in parsed[1]
    with pytest.raises(ValueError):
        networks("10.0.0.0/99")


def test_a_process_with_a_bad_setting_stops_at_start_with_one_line():
    code = (
        "from portalkit.config import CommonSettings\n"
        "from portalkit.process import start_process\n"
        "start_process('demo', CommonSettings.from_env)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"REDIS_URL": "notaurl", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "REDIS_URL" in lines[0] and "notaurl" in lines[0]


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_the_server_stops_at_start_on_a_bad_setting_instead_of_restarting_workers(server):
    from support.servers import ROOT, free_port

    def serve() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "portalkit.serve",
                "-b",
                f"127.0.0.1:{free_port()}",
                "demo_app:create_app_from_env()",
            ],
            cwd=ROOT / "tests" / "portalkit",
            env={
                "REDIS_URL": "notaurl",
                "PATH": "/usr/bin:/bin",
                "WEB_CONCURRENCY": "2",
                "HTTP_SERVER": server,
                "PYTHONPATH": ".",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = serve()
    for _ in range(2):  # the free port taken by another test's server meanwhile
        if "already in use" not in (result.stdout + result.stderr).lower():
            break
        result = serve()
    said = f"status {result.returncode}; out: {result.stdout[-2000:]}; err: {result.stderr[-2000:]}"
    assert result.returncode == 2 if server == "granian" else result.returncode != 0, said
    errors = [line for line in result.stderr.splitlines() if "configuration error" in line]
    assert errors and "REDIS_URL" in errors[0]


def test_a_secret_is_read_from_the_file_its_file_setting_names(tmp_path):
    secret = tmp_path / "api_tokens"
    secret.write_text("editor:from-a-file-0123\n")
    settings = CommonSettings.from_env({"API_TOKENS_FILE": str(secret)})
    assert settings.api_tokens == {"from-a-file-0123": "editor"}


def test_only_the_trailing_newline_of_a_secret_file_is_removed(tmp_path):
    secret = tmp_path / "password"
    secret.write_text(" pass word \r\n")
    settings = CommonSettings.from_env({"REDIS_PASSWORD_FILE": str(secret)})
    assert settings.redis_url == "redis://:%20pass%20word%20@127.0.0.1:6379/0"


def test_a_setting_and_its_file_together_stop_the_start(tmp_path):
    secret = tmp_path / "api_tokens"
    secret.write_text("editor:from-a-file-0123")
    with pytest.raises(ConfigError) as caught:
        CommonSettings.from_env({"API_TOKENS": "x:inline-0123", "API_TOKENS_FILE": str(secret)})
    assert caught.value.name == "API_TOKENS_FILE"
    assert "API_TOKENS is set too" in str(caught.value)


def test_a_missing_secret_file_names_its_setting(tmp_path):
    with pytest.raises(ConfigError) as caught:
        CommonSettings.from_env({"REDIS_PASSWORD_FILE": str(tmp_path / "absent")})
    assert caught.value.name == "REDIS_PASSWORD_FILE"
    assert "cannot read it" in str(caught.value)


def test_the_redis_password_completes_the_url_without_a_password_only():
    settings = CommonSettings.from_env(
        {"REDIS_URL": "redis://redis:6379/2", "REDIS_PASSWORD": "p@ss/word"}
    )
    assert settings.redis_url == "redis://:p%40ss%2Fword@redis:6379/2"
    with pytest.raises(ConfigError) as caught:
        CommonSettings.from_env(
            {"REDIS_URL": "redis://:inline@redis:6379/0", "REDIS_PASSWORD": "other"}
        )
    assert caught.value.name == "REDIS_PASSWORD"
    assert "other" not in str(caught.value)


def test_a_process_given_a_secret_twice_stops_at_start_with_one_line(tmp_path):
    secret = tmp_path / "redis_password"
    secret.write_text("from-the-file\n")
    code = (
        "from portalkit.config import CommonSettings\n"
        "from portalkit.process import start_process\n"
        "start_process('demo', CommonSettings.from_env)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "REDIS_PASSWORD": "inline",
            "REDIS_PASSWORD_FILE": str(secret),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "REDIS_PASSWORD_FILE" in line and "set one or the other" in line
