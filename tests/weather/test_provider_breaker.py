"""The provider's circuit breaker: opens after repeated failures, shared by every worker,
and after its reset time lets exactly one probe through."""

from __future__ import annotations

import threading

import pytest

from support.servers import wait_until
from weather.app import create_app
from weather.extensions import weather_fetcher
from weather.fetcher import Outcome
from weather.locations import DEFAULT_LOCATIONS

SLUGS = [place.slug for place in DEFAULT_LOCATIONS]


@pytest.fixture
def breaker_settings(make_settings):
    return make_settings(weather_breaker_fail_max=3, weather_breaker_reset_s=1.0, weather_retries=0)


@pytest.fixture
def fetcher(breaker_settings):
    return weather_fetcher(create_app(breaker_settings))


@pytest.fixture
def other_worker(breaker_settings):
    """A second app with its own Redis connections, as another worker process has."""
    return weather_fetcher(create_app(breaker_settings))


def open_the_breaker(fetcher, provider) -> None:
    provider.set("500")
    outcomes = [fetcher.fetch(slug, force=True) for slug in SLUGS[:3]]
    assert outcomes == [Outcome.FAILED] * 3
    assert fetcher.breaker.state() == "open"


def test_the_breaker_opens_after_repeated_failures_and_stops_asking(
    fetcher, other_worker, provider
):
    open_the_breaker(fetcher, provider)
    asked = provider.total_requests()

    outcomes = [
        worker.fetch(slug, force=True) for worker in (fetcher, other_worker) for slug in SLUGS
    ]

    assert set(outcomes) == {Outcome.BREAKER_OPEN}
    assert provider.total_requests() == asked == 3


def test_after_its_reset_time_a_single_probe_goes_through_and_closes_it(
    fetcher, other_worker, provider
):
    open_the_breaker(fetcher, provider)
    wait_until(lambda: fetcher.breaker.state() == "half-open", timeout=10)
    provider.set("hang", seconds=0.3)  # a slow good answer: the probe is in flight a while
    asked = provider.total_requests()
    start = threading.Barrier(len(SLUGS))
    outcomes: dict[str, Outcome] = {}

    def fetch(worker, slug):
        start.wait()
        outcomes[slug] = worker.fetch(slug, force=True)

    threads = [
        threading.Thread(target=fetch, args=(fetcher if i % 2 else other_worker, slug))
        for i, slug in enumerate(SLUGS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert provider.total_requests() - asked == 1
    assert sorted(outcomes.values()) == sorted(
        [Outcome.STORED] + [Outcome.BREAKER_OPEN] * (len(SLUGS) - 1)
    )
    assert fetcher.breaker.state() == "closed"
    provider.set("ok")
    assert other_worker.fetch(SLUGS[0], force=True) is Outcome.STORED


def test_a_failed_probe_opens_the_breaker_again(fetcher, other_worker, provider):
    open_the_breaker(fetcher, provider)
    wait_until(lambda: fetcher.breaker.state() == "half-open", timeout=10)
    asked = provider.total_requests()

    assert other_worker.fetch(SLUGS[0], force=True) is Outcome.FAILED
    assert fetcher.breaker.state() == "open"
    assert fetcher.fetch(SLUGS[1], force=True) is Outcome.BREAKER_OPEN
    assert provider.total_requests() - asked == 1
