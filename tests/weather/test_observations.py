"""A fetched reading, stored and served: every field, nulls for what the provider omitted."""

from __future__ import annotations

import json

import redis
from weather_kit import no_blank

from portalkit.events import WEATHER_STREAM, from_fields
from support.spies import note_calls
from weather.conditions import CONDITIONS, condition_for
from weather.fetcher import Outcome
from weather.store import STORED_RECHECK_S

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


def test_history_keeps_a_day_of_observations_at_the_default_interval(
    fetcher, provider, redis_client
):
    assert fetcher.store.history_len * 900 >= 24 * 3600
    for number in range(fetcher.store.history_len + 2):
        provider.set("ok", temperature=float(number % 60))
        fetcher.fetch("yen-bai", force=True)

    history = fetcher.store.history("yen-bai")
    assert len(history) == fetcher.store.history_len == 96
    assert [obs.reading.temperature_c for obs in history[:2]] == [37.0, 36.0]
    assert redis_client.llen("weather:history:yen-bai") == 96


def test_keys_live_under_the_weather_prefix(fetcher, provider, redis_client):
    fetcher.fetch("yen-bai")

    keys = set(redis_client.keys("*"))
    assert keys - {WEATHER_STREAM} and all(
        key.startswith("weather:") for key in keys - {WEATHER_STREAM}
    )
    stored = json.loads(redis_client.get("weather:obs:yen-bai"))
    assert stored["location"] == "yen-bai"


TEXTS = {
    0: ("Trời quang", "Clear sky"),
    1: ("Trời quang, ít mây", "Mainly clear"),
    2: ("Trời có mây", "Partly cloudy"),
    3: ("Trời nhiều mây", "Overcast"),
    4: ("Khói", "Smoke"),
    5: ("Mù khô", "Haze"),
    6: ("Bụi", "Dust"),
    7: ("Gió cuốn bụi, cát", "Blowing dust or sand"),
    8: ("Lốc bụi, cát", "Dust or sand whirls"),
    10: ("Sương mù nhẹ", "Mist"),
    18: ("Tố, gió giật mạnh", "Squalls"),
    19: ("Vòi rồng", "Tornado"),
    45: ("Sương mù", "Fog"),
    48: ("Sương mù kèm sương muối", "Depositing rime fog"),
    51: ("Mưa phùn nhẹ", "Light drizzle"),
    53: ("Mưa phùn", "Moderate drizzle"),
    55: ("Mưa phùn nặng hạt", "Dense drizzle"),
    56: ("Mưa phùn băng giá nhẹ", "Light freezing drizzle"),
    57: ("Mưa phùn băng giá nặng hạt", "Dense freezing drizzle"),
    58: ("Mưa phùn lẫn mưa nhỏ", "Light drizzle and rain"),
    59: ("Mưa phùn lẫn mưa", "Drizzle and rain"),
    61: ("Mưa nhỏ", "Slight rain"),
    63: ("Mưa vừa", "Moderate rain"),
    65: ("Mưa to", "Heavy rain"),
    66: ("Mưa băng giá nhẹ", "Light freezing rain"),
    67: ("Mưa băng giá nặng hạt", "Heavy freezing rain"),
    68: ("Mưa lẫn tuyết nhẹ", "Light rain and snow"),
    69: ("Mưa lẫn tuyết", "Rain and snow"),
    71: ("Tuyết rơi nhẹ", "Slight snow fall"),
    73: ("Tuyết rơi vừa", "Moderate snow fall"),
    75: ("Tuyết rơi dày", "Heavy snow fall"),
    77: ("Tuyết hạt", "Snow grains"),
    80: ("Mưa rào nhẹ", "Slight rain showers"),
    81: ("Mưa rào vừa", "Moderate rain showers"),
    82: ("Mưa rào rất to", "Violent rain showers"),
    83: ("Mưa rào lẫn tuyết nhẹ", "Light showers of rain and snow"),
    84: ("Mưa rào lẫn tuyết", "Showers of rain and snow"),
    85: ("Tuyết rơi từng cơn nhẹ", "Slight snow showers"),
    86: ("Tuyết rơi từng cơn nặng", "Heavy snow showers"),
    95: ("Dông", "Thunderstorm"),
    96: ("Dông kèm mưa đá nhỏ", "Thunderstorm with slight hail"),
    99: ("Dông kèm mưa đá lớn", "Thunderstorm with heavy hail"),
    104: ("Tro núi lửa", "Volcanic ash"),
}
"""Every condition and its texts, each read by a person: Open-Meteo's WMO codes, the
other WMO 4677 codes OpenWeatherMap's conditions need, and ours (100 and up)."""


def test_every_condition_code_has_the_vietnamese_and_english_text_read_here():
    assert {code: (c.text_vi, c.text_en) for code, c in CONDITIONS.items()} == TEXTS
    assert all(condition_for(code).code == code for code in TEXTS)
    assert condition_for(None) is None
    assert condition_for(42) is None


def test_answers_read_redis_clock_at_most_every_few_seconds_and_agree_with_it(
    client, fetcher, provider, monkeypatch
):
    fetcher.fetch("yen-bai")
    store = fetcher.store
    reads = []
    redis_time = store.redis_time

    def counted():
        reads.append(1)
        return redis_time()

    monkeypatch.setattr(store, "redis_time", counted)
    monkeypatch.setattr(store, "clock", counted)

    for _ in range(20):
        assert client.get("/v1/weather/yen-bai").json["stale"] is False

    assert len(reads) == 1  # not one round trip per answer
    assert abs(store.answer_now() - redis_time()) < 0.05
    monkeypatch.setattr(store, "_answer_base", (store._answer_base[0] - 60, store._answer_base[1]))
    assert abs(store.answer_now() - redis_time()) < 0.05  # read again once the base is old
    assert len(reads) == 2


def test_answers_read_the_stored_observation_at_most_once_a_second(
    client, fetcher, provider, monkeypatch
):
    fetcher.fetch("yen-bai")
    store = fetcher.store
    reads = note_calls(monkeypatch, store, "latest_stored", lambda slug: slug)

    for _ in range(20):
        assert client.get("/v1/weather/yen-bai").status_code == 200

    assert reads == ["yen-bai"]  # not one round trip per answer
    read_at, text = store._recent._kept["yen-bai"]
    monkeypatch.setitem(store._recent._kept, "yen-bai", (read_at - STORED_RECHECK_S, text))
    assert client.get("/v1/weather/yen-bai").status_code == 200
    assert reads == ["yen-bai", "yen-bai"]  # read again once a second has passed


def test_an_observation_the_worker_stores_is_answered_within_a_second(
    client, fetcher, provider, redis_client, monkeypatch
):
    provider.set("ok", temperature=15.0)
    fetcher.fetch("yen-bai")
    assert client.get("/v1/weather/yen-bai").json["temperature_c"] == 15.0
    # The worker is another process: it writes Redis, not this process's store.
    stored = json.loads(redis_client.get("weather:obs:yen-bai"))
    redis_client.set("weather:obs:yen-bai", json.dumps({**stored, "temperature_c": 21.5}))
    store = fetcher.store

    soon = client.get("/v1/weather/yen-bai").json["temperature_c"]
    read_at, text = store._recent._kept["yen-bai"]
    monkeypatch.setitem(store._recent._kept, "yen-bai", (read_at - STORED_RECHECK_S, text))
    later = client.get("/v1/weather/yen-bai").json["temperature_c"]

    assert (soon, later) == (15.0, 21.5)
    provider.set("ok", temperature=9.0)
    fetcher.fetch("yen-bai", force=True)  # stored by this process: answered at once
    assert client.get("/v1/weather/yen-bai").json["temperature_c"] == 9.0


def test_redis_down_within_the_second_still_answers_the_last_observation(
    client, fetcher, provider, monkeypatch
):
    provider.set("ok", temperature=15.0)
    fetcher.fetch("yen-bai")
    assert client.get("/v1/weather/yen-bai").status_code == 200

    def down(slug):
        raise redis.ConnectionError("Redis is restarting")

    monkeypatch.setattr(fetcher.store, "latest_stored", down)
    reply = client.get("/v1/weather/yen-bai")

    assert reply.status_code == 200 and reply.json["temperature_c"] == 15.0


def test_a_client_that_asks_for_the_current_reading_is_answered_it_at_once(
    client, fetcher, provider, redis_client
):
    provider.set("ok", temperature=15.0)
    fetcher.fetch("yen-bai")
    assert client.get("/v1/weather/yen-bai").json["temperature_c"] == 15.0
    stored = json.loads(redis_client.get("weather:obs:yen-bai"))
    redis_client.set("weather:obs:yen-bai", json.dumps({**stored, "temperature_c": 21.5}))

    current = client.get("/v1/weather/yen-bai", headers={"Cache-Control": "no-cache"})

    assert current.json["temperature_c"] == 21.5
