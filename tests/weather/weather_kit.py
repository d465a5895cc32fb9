"""Helpers for the weather tests: the token, blank checks, provider request counts, Procfile
processes."""

from __future__ import annotations

import sys
from pathlib import Path

from support.provider import FakeProvider
from support.servers import ROOT
from weather.locations import DEFAULT_LOCATIONS

TOKEN = "weather-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PLACES = {(str(place.lat), str(place.lon)): place.slug for place in DEFAULT_LOCATIONS}


def no_blank(value) -> bool:
    """True when no value in an API answer (nested objects included) is an empty string."""
    if isinstance(value, dict):
        return all(no_blank(item) for item in value.values())
    return value != ""


def requests_by_place(provider: FakeProvider) -> dict[str, int]:
    with provider.lock:
        return {PLACES[key]: count for key, count in provider.requests.items()}


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        key, sep, command = line.partition(":")
        if sep and key.strip() == name:
            return command.strip()
    raise LookupError(f"no {name} line in the Procfile")


def venv_path() -> str:
    """A PATH that finds the virtualenv's commands (celery, gunicorn) first."""
    return f"{Path(sys.executable).parent}:/usr/bin:/bin"


def process_env(redis_url: str, provider: FakeProvider, **extra: str) -> dict[str, str]:
    env = {
        "PATH": venv_path(),
        "REDIS_URL": redis_url,
        "OPEN_METEO_URL": provider.url,
        "API_TOKENS": f"editor:{TOKEN}",
        "WEATHER_CONNECT_TIMEOUT_S": "1",
        "WEATHER_READ_TIMEOUT_S": "2",
        "WEATHER_WORKER_CONCURRENCY": "1",
        "LOG_LEVEL": "INFO",
    }
    env.update(extra)
    return env
