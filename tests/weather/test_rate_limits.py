"""429s without ``Retry-After`` (Open-Meteo sends none): every worker leaves the provider
alone for the rest of its rate window, the minute, then the hour, then the day as they
repeat, while the last good reading is served, stale after three intervals, never blank.
All on the store's clock, which the test moves an interval at a time."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest
from weather_kit import no_blank

from weather.app import create_app
from weather.extensions import weather_fetcher
from weather.fetcher import Outcome

INTERVAL_S = 900.0
START = datetime(2026, 11, 29, 0, 0, 5, tzinfo=UTC).timestamp()  # just after a UTC midnight


@pytest.fixture
def app(make_settings):
    return create_app(make_settings(weather_interval_s=INTERVAL_S))


@pytest.fixture
def other_worker(make_settings, clock):
    """A second worker (its own app and connections) on the same store clock."""
    fetcher = weather_fetcher(create_app(make_settings(weather_interval_s=INTERVAL_S)))
    fetcher.store.clock = clock
    return fetcher


def test_five_429s_in_a_row_back_off_for_the_minute_then_the_hour_then_the_day(
    client, fetcher, other_worker, provider, clock
):
    clock.now = START
    provider.set("ok", temperature=15.0)
    assert fetcher.fetch("yen-bai") is Outcome.STORED
    good = client.get("/v1/weather/yen-bai").json
    provider.set("429")

    asked_at: list[float] = []
    while len(asked_at) < 5 and clock.now < START + 4 * 86400:
        clock.advance(INTERVAL_S)
        before = provider.total_requests()
        worker = fetcher if len(asked_at) % 2 else other_worker
        outcome = worker.fetch("yen-bai", worker.current_interval()[0])
        if provider.total_requests() > before:
            assert outcome is Outcome.RATE_LIMITED
            asked_at.append(clock.now)
        else:
            assert outcome is Outcome.COOLDOWN
        body = client.get("/v1/weather/yen-bai").json
        assert no_blank(body)
        assert body["temperature_c"] == good["temperature_c"]
        assert body["stale"] is (clock.now - START > 3 * INTERVAL_S)

    gaps = [later - earlier for earlier, later in pairwise(asked_at)]
    assert len(asked_at) == 5
    assert gaps == [INTERVAL_S, 1800.0, 82800.0, 86400.0]
    assert all(gap > 60 for gap in gaps[1:])

    provider.set("ok", temperature=18.0)
    while fetcher.fetch("yen-bai", fetcher.current_interval()[0]) is not Outcome.STORED:
        clock.advance(INTERVAL_S)
    body = client.get("/v1/weather/yen-bai").json
    assert (body["temperature_c"], body["stale"]) == (18.0, False)


def test_after_a_good_answer_the_next_429_backs_off_for_the_minute_again(fetcher, provider, clock):
    clock.now = START
    provider.set("429")
    for _ in range(3):
        clock.advance(3600)
        assert fetcher.fetch("yen-bai", fetcher.current_interval()[0]) is Outcome.RATE_LIMITED
    clock.advance(86400)
    provider.set("ok")
    assert fetcher.fetch("yen-bai", fetcher.current_interval()[0]) is Outcome.STORED

    provider.set("429")
    clock.advance(INTERVAL_S)
    assert fetcher.fetch("yen-bai", fetcher.current_interval()[0]) is Outcome.RATE_LIMITED
    clock.advance(INTERVAL_S)
    assert fetcher.fetch("yen-bai", fetcher.current_interval()[0]) is Outcome.RATE_LIMITED


def test_429s_to_requests_sent_together_count_as_one(fetcher, other_worker, clock):
    clock.now = START
    first = fetcher.store.back_off("open-meteo")
    clock.advance(1)
    second = other_worker.store.back_off("open-meteo")

    assert first == 56.0
    assert second == 55.0


def test_a_429_naming_its_window_backs_off_for_that_window_at_once(fetcher, clock):
    clock.now = START

    assert fetcher.store.back_off("open-meteo", named_step=3) == 86400 - 5 + 1
