"""Ten intervals in a row of each kind of provider trouble.

Each cycle is one interval: wait for the next interval to begin, fetch as the
scheduled task does, then read the API. Throughout, the last good observation is
served, never a 500 and never a blank field; ``stale`` turns true once the last good
fetch is more than three intervals old, and false again after the next good fetch.
"""

from __future__ import annotations

import time

import pytest

from weather.fetcher import Outcome

INTERVAL_S = 0.6
CYCLES = 10
KINDS = {
    "500": {"mode": "500"},
    "429": {"mode": "429", "retry_after": 1},
    "hang": {"mode": "hang", "seconds": 0.6},
    "truncated": {"mode": "truncated"},
    "wrong-types": {"mode": "wrong-types"},
}


def next_interval(fetcher, after: int) -> int:
    """Sleep until an interval later than ``after`` has begun; its number."""
    while True:
        number, remaining = fetcher.current_interval()
        if number > after:
            return number
        time.sleep(remaining + 0.005)


def no_blank(value) -> bool:
    if isinstance(value, dict):
        return all(no_blank(item) for item in value.values())
    return value != ""


@pytest.fixture
def app(make_settings):
    from weather import create_app

    return create_app(make_settings(weather_interval_s=INTERVAL_S, weather_read_timeout_s=0.15))


@pytest.mark.parametrize("kind", list(KINDS))
def test_ten_bad_intervals_keep_serving_the_last_good_observation(kind, client, fetcher, provider):
    provider.set("ok", temperature=15.0, low=13.0, high=17.0, code=3)
    interval = next_interval(fetcher, -1)
    assert fetcher.fetch("yen-bai", interval) is Outcome.STORED
    good = client.get("/v1/weather/yen-bai").json
    assert good["stale"] is False

    options = dict(KINDS[kind])
    provider.set(options.pop("mode"), **options)
    outcomes, stale_seen = [], []
    for cycle in range(1, CYCLES + 1):
        interval = next_interval(fetcher, interval)
        outcomes.append(fetcher.fetch("yen-bai", interval))
        reply = client.get("/v1/weather/yen-bai")

        assert reply.status_code == 200, reply.json
        body = reply.json
        assert no_blank(body)
        assert {k: body[k] for k in body if k != "stale"} == {
            k: good[k] for k in good if k != "stale"
        }
        stale_seen.append(body["stale"])
        if cycle == 1:
            assert body["stale"] is False
        if cycle >= 4:
            assert body["stale"] is True, f"cycle {cycle}"

    assert Outcome.STORED not in outcomes

    provider.set("ok", temperature=18.0)
    for _attempt in range(5):  # a 429's Retry-After may still be running
        interval = next_interval(fetcher, interval)
        if fetcher.fetch("yen-bai", interval) is Outcome.STORED:
            break
    body = client.get("/v1/weather/yen-bai").json
    assert body["stale"] is False
    assert body["temperature_c"] == 18.0
    print(f"{kind}: outcomes={[str(o) for o in outcomes]} stale={stale_seen}")
