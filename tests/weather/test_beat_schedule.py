"""Beat and workers as the Procfile runs them: each place fetched once per interval."""

from __future__ import annotations

import pytest
from weather_kit import process_env, requests_by_place

from support.servers import wait_until
from weather.locations import DEFAULT_LOCATIONS
from weather.store import Observation

INTERVAL_S = 2
INTERVALS = 10


@pytest.fixture
def app(make_settings):
    from weather.app import create_app

    return create_app(make_settings(weather_interval_s=INTERVAL_S))


SLUGS = [place.slug for place in DEFAULT_LOCATIONS]


def fetched_intervals(redis_client, slug: str) -> list[int]:
    """The interval number of every stored fetch of ``slug``, oldest first."""
    texts = redis_client.lrange(f"weather:history:{slug}", 0, -1)
    return sorted(Observation.from_json(text).interval for text in texts)


@pytest.mark.slow
def test_three_workers_and_two_beats_fetch_each_place_once_per_interval(
    redis_url, redis_client, provider, procfile_processes
):
    env = process_env(redis_url, provider, WEATHER_INTERVAL_S=str(INTERVAL_S))
    workers = [procfile_processes("weather-worker", env, "--pool solo") for _ in range(3)]
    beats = [procfile_processes("weather-beat", env) for _ in range(2)]

    def enough() -> bool:
        for process in workers + beats:
            if not process.alive():
                pytest.fail(f"{process.name} exited:\n{process.output()[-3000:]}")
        return all(len(fetched_intervals(redis_client, s)) >= INTERVALS + 1 for s in SLUGS)

    # Generous: five Celery processes take a while to start on a busy machine.
    wait_until(enough, timeout=90 + INTERVAL_S * INTERVALS, interval=0.5)
    for beat in beats:
        beat.stop()
    # Fetches already queued run, or are dropped once their interval has ended; a worker
    # stopped with SIGTERM (a warm shutdown) first finishes the fetch it is running.
    wait_until(lambda: redis_client.llen("weather:celery:weather") == 0, timeout=30, interval=0.2)
    for worker in workers:
        worker.stop()

    requests = requests_by_place(provider)
    per_place = {slug: fetched_intervals(redis_client, slug) for slug in SLUGS}
    duplicates = sum(len(n) - len(set(n)) for n in per_place.values())
    gaps = sum((n[-1] - n[0] + 1) - len(set(n)) for n in per_place.values())
    extra_requests = sum(requests.get(slug, 0) - len(per_place[slug]) for slug in SLUGS)
    counts = sorted({len(n) for n in per_place.values()})
    print(
        f"\nschedule: interval={INTERVAL_S}s workers=3 beats=2 places={len(SLUGS)} "
        f"intervals_per_place={counts} provider_requests={sum(requests.values())} "
        f"duplicates={duplicates} gaps={gaps} requests_without_observation={extra_requests}"
    )
    assert duplicates == 0
    assert gaps == 0
    assert extra_requests == 0
    assert all(len(n) >= INTERVALS for n in per_place.values())
    # The first tick may straddle an interval boundary (some places fetched in interval k,
    # the rest in k+1), and so may the stop; in between, no place lags behind the others.
    firsts = {n[0] for n in per_place.values()}
    lasts = {n[-1] for n in per_place.values()}
    assert max(firsts) - min(firsts) <= 1, f"places started apart: {sorted(firsts)}"
    assert max(lasts) - min(lasts) <= 1, f"places stopped apart: {sorted(lasts)}"
    common = set.intersection(*(set(n) for n in per_place.values()))
    assert len(common) >= INTERVALS - 1, "every place fetched in the same intervals"


@pytest.mark.slow
def test_a_backlog_from_intervals_without_a_worker_never_reaches_the_provider(
    redis_url, redis_client, provider, procfile_processes, fetcher
):
    env = process_env(redis_url, provider, WEATHER_INTERVAL_S=str(INTERVAL_S))
    procfile_processes("weather-beat", env)
    wait_until(lambda: redis_client.llen("weather:celery:weather") > 0, timeout=90)
    first_queued, _ = fetcher.current_interval()
    wait_until(lambda: fetcher.current_interval()[0] >= first_queued + 3, timeout=30)

    worker_started, _ = fetcher.current_interval()
    procfile_processes("weather-worker", env, "--pool solo")
    wait_until(lambda: all(fetched_intervals(redis_client, slug) for slug in SLUGS), timeout=90)
    wait_until(lambda: redis_client.llen("weather:celery:weather") == 0, timeout=30)

    per_place = {slug: fetched_intervals(redis_client, slug) for slug in SLUGS}
    requests = requests_by_place(provider)
    print(
        f"\nbacklog: queued_from_interval={first_queued} worker_started={worker_started} "
        f"fetched_intervals={sorted({n for v in per_place.values() for n in v})} "
        f"provider_requests={sum(requests.values())}"
    )
    assert all(n >= worker_started for v in per_place.values() for n in v)
    assert all(requests[slug] == len(per_place[slug]) for slug in SLUGS)
