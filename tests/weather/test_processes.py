"""The Procfile's weather processes: the API and a worker, a manual refresh end to end."""

from __future__ import annotations

import requests
from weather_kit import AUTH, process_env, requests_by_place

from support.servers import free_port, wait_http, wait_until
from weather.locations import DEFAULT_LOCATIONS


def test_a_manual_refresh_is_fetched_by_a_worker_and_served_by_the_api(
    redis_url, provider, procfile_processes
):
    port = free_port()
    env = process_env(redis_url, provider, WEATHER_PORT=str(port), WEB_CONCURRENCY="1")
    procfile_processes("weather", env)
    procfile_processes("weather-worker", env)
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/healthz", timeout=90)
    assert requests.get(f"{base}/v1/weather", timeout=5).status_code == 503

    first = requests.post(f"{base}/v1/weather/refresh", headers=AUTH, timeout=5)
    again = requests.post(f"{base}/v1/weather/refresh", headers=AUTH, timeout=5)

    assert first.status_code == again.status_code == 202
    assert (first.json()["queued"], again.json()["queued"]) == (True, False)
    wait_until(
        lambda: requests.get(f"{base}/v1/weather/yen-binh", timeout=5).status_code == 200,
        timeout=90,
    )
    wait_until(
        lambda: all(
            requests.get(f"{base}/v1/weather/{p.slug}", timeout=5).status_code == 200
            for p in DEFAULT_LOCATIONS
        ),
        timeout=30,
    )
    body = requests.get(f"{base}/v1/weather", timeout=5).json()
    assert body["condition"]["text_vi"] == "Trời nhiều mây"
    assert body["stale"] is False
    assert requests_by_place(provider) == {p.slug: 1 for p in DEFAULT_LOCATIONS}


def test_a_refresh_without_a_token_is_401(client):
    reply = client.post("/v1/weather/refresh")

    assert reply.status_code == 401
    assert reply.mimetype == "application/problem+json"
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_through_a_provider_outage_the_api_serves_the_last_good_reading_until_it_recovers(
    redis_url, provider, procfile_processes
):
    port = free_port()
    env = process_env(
        redis_url,
        provider,
        WEATHER_PORT=str(port),
        WEB_CONCURRENCY="1",
        WEATHER_INTERVAL_S="1",
        WEATHER_BREAKER_RESET_S="1",
    )
    for name in ("weather", "weather-worker", "weather-beat"):
        procfile_processes(name, env)
    url = f"http://127.0.0.1:{port}/v1/weather/nghia-lo"
    wait_until(lambda: requests.get(url, timeout=5).status_code == 200, timeout=90)
    good = requests.get(url, timeout=5).json()

    provider.set("500")
    replies = []

    def stale() -> bool:
        reply = requests.get(url, timeout=5)
        replies.append((reply.status_code, reply.json()))
        return reply.json().get("stale") is True

    wait_until(stale, timeout=60, interval=0.2)
    provider.set("ok", temperature=19.0)
    wait_until(lambda: requests.get(url, timeout=5).json()["stale"] is False, timeout=60)

    assert {status for status, _ in replies} == {200}
    assert {body["temperature_c"] for _, body in replies} == {good["temperature_c"]}
    assert all("" not in body.values() for _, body in replies)
    assert requests.get(url, timeout=5).json()["temperature_c"] == 19.0
