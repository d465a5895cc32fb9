"""Fixtures for the counter: an app on the test Redis, a clock the tests move, publishing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from counter_kit import TOKEN, Articles, FakeClock

from counter.app import create_app
from counter.settings import Settings


@pytest.fixture
def clock() -> FakeClock:
    # 10:00 in Hà Nội (03:00 UTC) on a Wednesday.
    return FakeClock(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))


@pytest.fixture
def settings(redis_url) -> Settings:
    return Settings(
        redis_url=redis_url,
        api_tokens={TOKEN: "shipper"},
        salt_secret="test-salt-secret",
        rate_limit_per_min=1_000_000,
    )


@pytest.fixture
def make_app(clock):
    def make(settings: Settings, **changes):
        app = create_app(replace(settings, **changes), clock=clock)
        app.config["TESTING"] = True
        return app

    return make


@pytest.fixture
def app(make_app, settings):
    return make_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def articles(settings) -> Articles:
    return Articles(settings)


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}
