"""Fixtures for the weather tests: the local provider stand-in, real Redis, the app, and
a clock the test moves for the store."""

from __future__ import annotations

import dataclasses

import pytest
from weather_kit import TOKEN, procfile_command

from support.provider import FakeProvider
from support.servers import Process
from weather.app import create_app
from weather.extensions import weather_fetcher
from weather.settings import Settings


@pytest.fixture
def provider():
    server = FakeProvider().start()
    yield server
    server.stop()


@pytest.fixture
def make_settings(redis_url, provider):
    """Settings for an in-process app: short timeouts, the local provider, a test token."""

    def make(**overrides) -> Settings:
        values = dict(
            redis_url=redis_url,
            api_tokens={TOKEN: "editor"},
            open_meteo_url=provider.url,
            weather_interval_s=60.0,
            weather_connect_timeout_s=0.5,
            weather_read_timeout_s=0.5,
            weather_retries=1,
            weather_backoff_s=0.01,
            weather_backoff_max_s=0.02,
            weather_retry_after_max_s=0.05,
            weather_breaker_fail_max=1000,
            weather_breaker_reset_s=1.0,
            weather_refresh_dedup_s=5.0,
        )
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def app(make_settings):
    return create_app(make_settings())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fetcher(app):
    return weather_fetcher(app)


class Clock:
    """A clock for the store that moves only when the test moves it, so intervals, fetch
    times, ages and cooldowns are exact whatever the machine's speed."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock(fetcher) -> Clock:
    """The store's clock, starting at Redis' time and moved by the test."""
    moved = Clock(fetcher.store.redis_time())
    fetcher.store.clock = moved
    return moved


@pytest.fixture
def procfile_processes():
    """Start Procfile lines as processes; all are stopped at the end of the test."""
    started: list[Process] = []

    def start(name: str, env: dict[str, str], extra_args: str = "") -> Process:
        command = procfile_command(name) + (f" {extra_args}" if extra_args else "")
        process = Process(command, env=env, name=name, shell=True).start()
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop(timeout=15)


def replace(settings: Settings, **changes) -> Settings:
    return dataclasses.replace(settings, **changes)
