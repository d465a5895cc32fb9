"""Celery tasks: beat's periodic look for places due, and the fetch of one place."""

from __future__ import annotations

from celery import shared_task

from weather.extensions import weather_fetcher
from weather.fetcher import Fetcher
from weather.worker_metrics import fetches


@shared_task(name="weather.refresh_due", ignore_result=True)
def refresh_due() -> int:
    """Queue a fetch of every place not yet fetched this interval.

    Each fetch expires when the interval ends, so a backlog never floods the provider.
    """
    fetcher = weather_fetcher()
    interval, remaining = fetcher.current_interval()
    due = fetcher.due(interval)
    for slug in due:
        fetch_location.apply_async((slug, interval), expires=max(0.5, remaining))
    return len(due)


@shared_task(name="weather.fetch_location", ignore_result=True)
def fetch_location(slug: str, interval: int | None = None, force: bool = False) -> str:
    fetcher = weather_fetcher()
    outcome = fetcher.fetch(slug, interval, force=force)
    fetches().labels(fetcher.provider.name, outcome.value).inc()
    return str(outcome)


def queue_refresh(fetcher: Fetcher) -> int:
    """Queue an immediate fetch of every place (a manual refresh)."""
    slugs = [place.slug for place in fetcher.settings.weather_locations]
    for slug in slugs:
        fetch_location.apply_async(
            (slug, None, True), expires=fetcher.settings.weather_refresh_dedup_s
        )
    return len(slugs)
