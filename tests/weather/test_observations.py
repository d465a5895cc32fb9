"""A fetched reading, stored and served: every field, nulls for what the provider omitted."""

from __future__ import annotations

import json

from portalkit.events import WEATHER_STREAM, from_fields
from weather.conditions import WMO_CONDITIONS, condition_for
from weather.fetcher import Outcome

FIELDS = {
    "location",
    "temperature_c",
    "temp_min_c",
    "temp_max_c",
    "condition",
    "pressure_hpa",
    "humidity_pct",
    "wind_kmh",
    "observed_at",
    "fetched_at",
    "stale",
    "source",
    "attribution",
}


def no_blank(value) -> bool:
    if isinstance(value, dict):
        return all(no_blank(item) for item in value.values())
    return value != ""


def test_a_good_reply_is_stored_and_served_with_every_field(client, fetcher, provider):
    provider.set("ok", temperature=15.0, low=13.0, high=17.0, code=3)

    assert fetcher.fetch("yen-bai") is Outcome.STORED
    reply = client.get("/v1/weather/yen-bai")

    assert reply.status_code == 200
    body = reply.json
    assert set(body) == FIELDS
    assert body["location"] == {
        "slug": "yen-bai",
        "name": "Thành phố Yên Bái",
        "lat": 21.7,
        "lon": 104.87,
    }
    assert body["temperature_c"] == 15.0
    assert (body["temp_min_c"], body["temp_max_c"]) == (13.0, 17.0)
    assert body["condition"] == {"code": 3, "text_vi": "Trời nhiều mây", "text_en": "Overcast"}
    assert (body["pressure_hpa"], body["humidity_pct"], body["wind_kmh"]) == (1012.4, 84, 7.2)
    assert body["observed_at"].endswith("+07:00")
    assert body["fetched_at"].endswith("+00:00")
    assert body["stale"] is False
    assert body["source"] == "open-meteo"
    assert "CC BY 4.0" in body["attribution"]
    assert no_blank(body)


def test_the_default_place_is_served_at_v1_weather(client, fetcher, provider):
    fetcher.fetch("yen-bai")

    assert client.get("/v1/weather").json["location"]["slug"] == "yen-bai"


def test_a_reply_without_pressure_humidity_and_wind_serves_those_as_null(client, fetcher, provider):
    provider.set("missing", temperature=21.5, low=19.0, high=24.0, code=61)

    assert fetcher.fetch("mu-cang-chai") is Outcome.STORED
    body = client.get("/v1/weather/mu-cang-chai").json

    assert (body["pressure_hpa"], body["humidity_pct"], body["wind_kmh"]) == (None, None, None)
    assert body["temperature_c"] == 21.5
    assert (body["temp_min_c"], body["temp_max_c"]) == (19.0, 24.0)
    assert body["condition"]["text_vi"] == "Mưa nhỏ"
    assert body["condition"]["text_en"] == "Slight rain"
    assert body["observed_at"] and body["fetched_at"] and body["source"] == "open-meteo"
    assert no_blank(body)


def test_a_non_numeric_secondary_value_becomes_null_not_a_made_up_number(client, fetcher, provider):
    provider.set("ok", humidity="n/a", wind=True)

    assert fetcher.fetch("yen-bai") is Outcome.STORED
    body = client.get("/v1/weather/yen-bai").json

    assert body["humidity_pct"] is None
    assert body["wind_kmh"] is None
    assert body["pressure_hpa"] == 1012.4


def test_an_unknown_condition_code_gives_a_null_condition(client, fetcher, provider):
    provider.set("ok", code=42)
    fetcher.fetch("yen-bai")

    assert client.get("/v1/weather/yen-bai").json["condition"] is None


def test_a_reply_without_temperature_keeps_the_previous_observation(client, fetcher, provider):
    provider.set("ok", temperature=15.0)
    fetcher.fetch("yen-bai")
    provider.set("ok", temperature=None)

    assert fetcher.fetch("yen-bai", force=True) is Outcome.FAILED
    assert client.get("/v1/weather/yen-bai").json["temperature_c"] == 15.0


def test_an_unknown_place_is_404_problem(client):
    reply = client.get("/v1/weather/ha-noi")

    assert reply.status_code == 404
    assert reply.mimetype == "application/problem+json"


def test_before_any_fetch_the_weather_is_503_problem(client):
    reply = client.get("/v1/weather/yen-bai")

    assert reply.status_code == 503
    assert reply.mimetype == "application/problem+json"
    assert reply.headers["Retry-After"]
    assert client.get("/v1/weather").status_code == 503


def test_locations_lists_the_places_with_the_default_and_attribution(client):
    body = client.get("/v1/locations").json

    slugs = [item["slug"] for item in body["items"]]
    assert slugs == [
        "yen-bai",
        "tran-yen",
        "van-chan",
        "tram-tau",
        "mu-cang-chai",
        "nghia-lo",
        "luc-yen",
        "van-yen",
        "yen-binh",
    ]
    assert body["default"] == "yen-bai"
    assert body["attribution"]


def test_each_new_observation_publishes_weather_updated(fetcher, provider, redis_client):
    interval, _ = fetcher.current_interval()
    fetcher.fetch("yen-bai", interval)
    fetcher.fetch("tran-yen", interval)
    fetcher.fetch("yen-bai", interval)  # the guard: no second fetch, no event

    entries = redis_client.xrange(WEATHER_STREAM)
    events = [from_fields(fields) for _id, fields in entries]
    assert [event.type for event in events] == ["weather.updated"] * 2
    assert [event.location for event in events] == ["yen-bai", "tran-yen"]
    assert events[0].fetched_at and events[0].observed_at


def test_history_keeps_the_last_48_observations(fetcher, provider, redis_client):
    for number in range(50):
        provider.set("ok", temperature=float(number))
        fetcher.fetch("yen-bai", force=True)

    history = fetcher.store.history("yen-bai")
    assert len(history) == 48
    assert [obs.temperature_c for obs in history[:2]] == [49.0, 48.0]
    assert redis_client.llen("weather:history:yen-bai") == 48


def test_keys_live_under_the_weather_prefix(fetcher, provider, redis_client):
    fetcher.fetch("yen-bai")

    keys = set(redis_client.keys("*"))
    assert keys - {WEATHER_STREAM} and all(
        key.startswith("weather:") for key in keys - {WEATHER_STREAM}
    )
    stored = json.loads(redis_client.get("weather:obs:yen-bai"))
    assert stored["location"] == "yen-bai"


def test_every_wmo_code_has_vietnamese_and_english_text():
    codes = [0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77]
    codes += [80, 81, 82, 85, 86, 95, 96, 99]

    assert sorted(WMO_CONDITIONS) == codes
    for code in codes:
        condition = condition_for(code)
        assert condition.text_vi.strip() and condition.text_en.strip()
    assert (condition_for(3).text_vi, condition_for(3).text_en) == ("Trời nhiều mây", "Overcast")
    assert condition_for(None) is None
