"""Ten intervals in a row of each kind of provider trouble, on the store's clock.

Each cycle moves the store's clock one interval on, fetches as the scheduled task does,
then reads the API. Throughout, the last good observation is served, never a 500 and
never a blank field; ``stale`` turns true exactly when the last good fetch is more than
three intervals old, and false again after the next good fetch.
"""

from __future__ import annotations

import pytest
from weather_kit import no_blank

from weather.fetcher import Outcome

INTERVAL_S = 900.0
CYCLES = 10
KINDS = {
    "500": {"mode": "500"},
    "429": {"mode": "429", "retry_after": 1},
    "429-without-retry-after": {"mode": "429"},
    "hang": {"mode": "hang", "seconds": 0.6},
    "truncated": {"mode": "truncated"},
    "wrong-types": {"mode": "wrong-types"},
}


@pytest.fixture
def app(make_settings):
    from weather.app import create_app

    return create_app(make_settings(weather_interval_s=INTERVAL_S, weather_read_timeout_s=0.15))


def fetch_next_interval(fetcher, clock) -> Outcome:
    """Move the store's clock one interval on and fetch as the scheduled task does."""
    clock.advance(INTERVAL_S)
    interval, _ = fetcher.current_interval()
    return fetcher.fetch("yen-bai", interval)


@pytest.mark.parametrize("kind", list(KINDS))
def test_ten_bad_intervals_keep_serving_the_last_good_observation(
    kind, client, fetcher, provider, clock
):
    provider.set("ok", temperature=15.0, low=13.0, high=17.0, code=3)
    assert fetcher.fetch("yen-bai") is Outcome.STORED
    good = client.get("/v1/weather/yen-bai").json
    assert good["stale"] is False

    options = dict(KINDS[kind])
    provider.set(options.pop("mode"), **options)
    outcomes, stale_seen = [], []
    for cycle in range(1, CYCLES + 1):
        outcomes.append(fetch_next_interval(fetcher, clock))
        reply = client.get("/v1/weather/yen-bai")

        assert reply.status_code == 200, reply.json
        body = reply.json
        assert no_blank(body)
        assert {k: body[k] for k in body if k != "stale"} == {
            k: good[k] for k in good if k != "stale"
        }
        stale_seen.append(body["stale"])
        assert body["stale"] is (cycle > 3), f"cycle {cycle}: {cycle} intervals old"

    assert Outcome.STORED not in outcomes

    provider.set("ok", temperature=18.0)
    for _interval in range(2 * 96):  # a 429 without Retry-After may hold us off a day
        if fetch_next_interval(fetcher, clock) is Outcome.STORED:
            break
    body = client.get("/v1/weather/yen-bai").json
    assert body["stale"] is False
    assert body["temperature_c"] == 18.0
    print(f"{kind}: outcomes={[str(o) for o in outcomes]} stale={stale_seen}")


def test_stale_turns_true_just_after_three_intervals_and_not_before(client, fetcher, clock):
    assert fetcher.fetch("yen-bai") is Outcome.STORED
    fetched = clock.now

    def stale_at(moment: float) -> bool:
        clock.now = moment
        return client.get("/v1/weather/yen-bai").json["stale"]

    assert stale_at(fetched + 3 * INTERVAL_S - 0.001) is False
    assert stale_at(fetched + 3 * INTERVAL_S) is False
    assert stale_at(fetched + 3 * INTERVAL_S + 0.001) is True
