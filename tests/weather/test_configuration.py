"""Weather settings: working defaults, places from a file, one clear line for a bad value."""

from __future__ import annotations

import json

import pytest
import redis
from weather_kit import procfile_command, venv_path

from portalkit.config import ConfigError
from support.servers import Process, RedisServer
from weather.app import create_app
from weather.extensions import celery_app
from weather.settings import Settings


def test_defaults_work_for_local_runs():
    settings = Settings.from_env({})

    assert settings.weather_provider == "open-meteo"
    assert settings.open_meteo_url == "https://api.open-meteo.com/v1/forecast"
    assert settings.weather_interval_s == 900
    assert settings.weather_default_location == "yen-bai"
    assert len(settings.weather_locations) == 9


def test_a_locations_file_replaces_the_places(tmp_path):
    path = tmp_path / "places.json"
    places = [
        {"slug": "yen-bai", "name": "Phường Yên Bái (Lào Cai)", "lat": 21.7, "lon": 104.87},
        {"slug": "nghia-lo", "name": "Phường Nghĩa Lộ", "lat": 21.6, "lon": 104.51},
    ]
    path.write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")

    settings = Settings.from_env({"WEATHER_LOCATIONS_FILE": str(path)})

    assert [p.name for p in settings.weather_locations] == [
        "Phường Yên Bái (Lào Cai)",
        "Phường Nghĩa Lộ",
    ]
    assert settings.location("nghia-lo").lat == 21.6


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "non-empty JSON list"),
        ('[{"slug": "Yên Bái", "name": "x", "lat": 1, "lon": 2}]', "slug must be"),
        ('[{"slug": "a", "name": "x", "lat": "21.7", "lon": 2}]', "lat must be a number"),
        ('[{"slug": "a", "name": "x", "lat": 1, "lon": 200}]', "lon must be between"),
        (
            '[{"slug": "a", "name": "x", "lat": 1, "lon": 2}, {"slug": "a", "name": "y", '
            '"lat": 1, "lon": 2}]',
            "appears twice",
        ),
    ],
)
def test_an_invalid_locations_file_is_refused_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "places.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ConfigError, match="WEATHER_LOCATIONS_FILE") as caught:
        Settings.from_env({"WEATHER_LOCATIONS_FILE": str(path)})
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    "environ",
    [
        {"WEATHER_PROVIDER": "yr.no"},
        {"WEATHER_PROVIDER": "openweathermap"},
        {"WEATHER_INTERVAL_S": "soon"},
        {"WEATHER_DEFAULT_LOCATION": "ha-noi"},
        {"OPEN_METEO_URL": "ftp://example.org"},
        {"WEATHER_BREAKER_FAIL_MAX": "0"},
    ],
)
def test_a_bad_value_is_refused(environ):
    with pytest.raises(ConfigError, match=next(iter(environ))):
        Settings.from_env(environ)


def test_the_worker_stops_at_start_with_one_line_for_a_bad_locations_file(tmp_path, redis_url):
    path = tmp_path / "places.json"
    path.write_text('[{"slug": "x"}]', encoding="utf-8")
    env = {"WEATHER_LOCATIONS_FILE": str(path), "REDIS_URL": redis_url, "PATH": venv_path()}

    worker = Process(procfile_command("weather-worker"), env=env, shell=True).start()

    assert worker.proc.wait(timeout=60) == 2
    lines = worker.output().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("configuration error: invalid setting WEATHER_LOCATIONS_FILE=")


def test_the_broker_reaches_a_redis_on_a_unix_socket_and_its_database(tmp_path):
    socket_path = tmp_path / "redis.sock"
    server = RedisServer("--unixsocket", str(socket_path), "--unixsocketperm", "700").start()
    try:
        app = create_app(Settings(redis_url=f"unix://{socket_path}?db=2"))
        celery_app(app).send_task("weather.fetch_location", ("yen-bai",))

        client = redis.Redis(unix_socket_path=str(socket_path), db=2, decode_responses=True)
        assert client.llen("weather:celery:weather") == 1
        client.close()
    finally:
        server.cleanup()
