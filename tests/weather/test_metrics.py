"""The API's /metrics reports what the workers did: outcomes, ages, the breaker."""

from __future__ import annotations

from weather.fetcher import Outcome


def test_metrics_count_fetch_outcomes_and_show_observation_age(client, fetcher, provider):
    fetcher.fetch("yen-bai")
    fetcher.fetch("yen-bai")
    provider.set("500")
    fetcher.fetch("tran-yen")

    text = client.get("/metrics").get_data(as_text=True)

    assert 'weather_fetches_total{outcome="stored"} 1.0' in text
    assert 'weather_fetches_total{outcome="duplicate"} 1.0' in text
    assert 'weather_fetches_total{outcome="failed"} 1.0' in text
    assert 'weather_observation_age_seconds{location="yen-bai"}' in text
    assert 'weather_observation_age_seconds{location="tran-yen"}' not in text
    assert 'weather_breaker_open{provider="open-meteo"} 0.0' in text


def test_a_fetch_queued_for_an_interval_that_has_ended_is_dropped(fetcher, provider):
    interval, _ = fetcher.current_interval()

    assert fetcher.fetch("yen-bai", interval - 1) is Outcome.LATE
    assert provider.total_requests() == 0


def test_the_figures_are_also_served_when_gunicorn_workers_share_metrics(
    client, fetcher, provider, monkeypatch, tmp_path
):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    fetcher.fetch("yen-bai")

    text = client.get("/metrics").get_data(as_text=True)

    assert 'weather_fetches_total{outcome="stored"} 1.0' in text
