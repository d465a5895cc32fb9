"""What the Procfile processes report to Prometheus while things go wrong, scraped from
the real processes: an outbox no relay drains, a consumer group whose consumer is down,
and an event that failed until an operator fixed the cause and replayed it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from reliability_kit import figures, new_view

from portalkit.events import ARTICLES_STREAM, ArticleDeleted, ArticlePublished
from portalkit.redis_client import connect
from portalkit.streams import EventBus
from support.photos import plain_jpeg
from support.scrape import sample, scrape
from support.servers import ROOT, RedisServer, wait_until
from support.stack import Stack

pytestmark = pytest.mark.slow

STARTUP_S = 120  # processes boot slowly on a shared machine
COUNTER = {"stream": ARTICLES_STREAM, "group": "counter"}
WEB = {"stream": ARTICLES_STREAM, "group": "web"}


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.cleanup()


def figure(stack: Stack, process: str, name: str, **labels: str) -> float | None:
    return sample(scrape(stack.metrics_url(process)), name, **labels)


def wait_for(stack: Stack, process: str, name: str, value: float, **labels: str) -> None:
    _wait_reported(stack, process, lambda: figure(stack, process, name, **labels) == value)


def wait_counted(stack: Stack, process: str, name: str, **labels: str) -> None:
    """Until the process reports the figure above zero."""
    _wait_reported(stack, process, lambda: figure(stack, process, name, **labels))


def _wait_reported(stack: Stack, process: str, check) -> None:
    """Until ``check`` holds; failing, with what the process wrote."""
    try:
        wait_until(check, timeout=STARTUP_S)
    except AssertionError as missing:
        wrote = stack.output(process)[-3000:]
        raise AssertionError(f"{missing}\n{process} wrote:\n{wrote}") from None


def test_an_outbox_without_a_relay_shows_its_backlog_until_the_relay_sends_it(
    tmp_path, redis_server
):
    stack = Stack(tmp_path, redis_server.url)
    try:
        stack.migrate()
        stack.start("articles")
        category = requests.post(
            stack.url("articles") + "/v1/categories",
            json={"slug": "tin-trong-tinh", "name": "Tin trong tỉnh"},
            headers=stack.auth,
            timeout=10,
        )
        assert category.status_code == 201, category.text
        created = requests.post(
            stack.url("articles") + "/v1/articles",
            json={"title": "Hội nghị sơ kết", "category": "tin-trong-tinh", "status": "published"},
            headers=stack.auth,
            timeout=10,
        )
        assert created.status_code == 201, created.text
        wait_until(
            lambda: figure(stack, "articles", "articles_outbox_oldest_age_seconds") > 1,
            timeout=30,
        )
        waiting = scrape(stack.metrics_url("articles"))

        stack.start("articles-relay")
        wait_for(stack, "articles-relay", "articles_outbox_pending_events", 0)
        relay = scrape(stack.metrics_url("articles-relay"))
        line = figures(
            "outbox-metrics",
            pending_before=sample(waiting, "articles_outbox_pending_events"),
            age_before=sample(waiting, "articles_outbox_oldest_age_seconds"),
            sent=sample(relay, "articles_relay_published_events_total"),
        )
    finally:
        stack.close()

    assert sample(waiting, "articles_outbox_pending_events") == 1, line
    assert sample(waiting, "articles_outbox_oldest_age_seconds") > 1, line
    assert sample(relay, "articles_outbox_oldest_age_seconds") == 0, line
    assert sample(relay, "articles_relay_published_events_total") == 1, line
    assert sample(relay, "articles_relay_active") == 1, line


def test_the_lag_of_a_stopped_consumer_rises_and_falls_back_to_zero_after_restart(
    tmp_path, redis_server
):
    stack = Stack(tmp_path, redis_server.url)
    bus = EventBus(connect(redis_server.url))
    try:
        stack.start("counter-consumer", "web-consumer", wait=False)
        bus.publish(ArticlePublished(article_id=1, slug="bai-1"))
        wait_for(stack, "web-consumer", "events_group_lag", 0, **COUNTER)
        wait_for(stack, "web-consumer", "events_group_lag", 0, **WEB)

        stack.stop("counter-consumer")
        for article_id in range(2, 7):
            bus.publish(ArticlePublished(article_id=article_id, slug=f"bai-{article_id}"))
        wait_for(stack, "web-consumer", "events_group_lag", 0, **WEB)
        behind = scrape(stack.metrics_url("web-consumer"))

        stack.start("counter-consumer", wait=False)
        wait_for(stack, "counter-consumer", "events_group_lag", 0, **COUNTER)
        caught_up = scrape(stack.metrics_url("counter-consumer"))
        line = figures(
            "lag-metrics",
            lag_stopped=sample(behind, "events_group_lag", **COUNTER),
            lag_restarted=sample(caught_up, "events_group_lag", **COUNTER),
            handled_after_restart=sample(
                caught_up, "events_consumed_total", **COUNTER, outcome="handled"
            ),
        )
    finally:
        stack.close()

    assert sample(behind, "events_group_lag", **COUNTER) == 5, line
    assert sample(behind, "events_group_lag", **WEB) == 0, line
    assert sample(caught_up, "events_group_lag", **COUNTER) == 0, line
    assert sample(caught_up, "events_group_pending", **COUNTER) == 0, line
    # The restarted consumer applied the five it had missed (and the group starts over
    # from its last delivered entry, not from the stream's beginning).
    assert sample(caught_up, "events_consumed_total", **COUNTER, outcome="handled") == 5, line


def views_of(stack: Stack, article_id: int) -> int:
    reply = requests.get(stack.url("counter") + f"/v1/views/{article_id}", timeout=10)
    return reply.json()["views"]


def deadletters(redis_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "portalkit.deadletters", *args],
        env={**os.environ, "REDIS_URL": redis_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_event_that_failed_is_dead_lettered_then_replayed_after_the_fix(tmp_path, redis_server):
    """The counter-consumer's Redis user was given too few rights (no SCAN, which
    forgetting a deleted article needs): the deletion fails until it is dead-lettered.
    The operator grants the right, replays it, and the article's counts are gone."""
    admin = connect(redis_server.url)
    admin.acl_setuser(
        "counter-consumer",
        enabled=True,
        passwords=["+consumer-password"],
        keys=["*"],
        channels=["*"],
        commands=["+@all", "-scan"],
    )
    consumer_url = f"redis://counter-consumer:consumer-password@127.0.0.1:{redis_server.port}/0"
    stack = Stack(tmp_path, redis_server.url)
    stack.env["REDIS_URL"] = redis_server.url
    bus = EventBus(admin)
    try:
        stack.start("counter")
        stack.env["REDIS_URL"] = consumer_url
        stack.start("counter-consumer", wait=False)
        stack.env["REDIS_URL"] = redis_server.url
        bus.publish(ArticlePublished(article_id=9, slug="bai-9"))
        wait_until(lambda: new_view(stack.url("counter"), 9)["counted"], timeout=STARTUP_S)

        bus.publish(ArticleDeleted(article_id=9, slug="bai-9"))
        # Redelivered until it has failed five times, then moved to events:dead.
        wait_for(stack, "counter-consumer", "events_dead_letters", 1)
        dead = scrape(stack.metrics_url("counter-consumer"))
        listed = deadletters(redis_server.url, "list")
        ((dead_id, _fields),) = admin.xrange("events:dead")
        shown = deadletters(redis_server.url, "show", dead_id)

        admin.acl_setuser("counter-consumer", commands=["+scan"])
        replayed = deadletters(redis_server.url, "replay", dead_id)
        wait_until(lambda: views_of(stack, 9) == 0, timeout=60)
        wait_for(stack, "counter-consumer", "events_dead_letters", 0)
        after = scrape(stack.metrics_url("counter-consumer"))
        views = views_of(stack, 9)
        line = figures(
            "dead-letter-metrics",
            dead_letters=sample(dead, "events_dead_letters"),
            failed=sample(dead, "events_consumed_total", **COUNTER, outcome="failed"),
            after_replay=sample(after, "events_dead_letters"),
            views_after=views,
        )
    finally:
        stack.close()

    assert sample(dead, "events_dead_letters") == 1, line
    assert sample(dead, "events_consumed_total", **COUNTER, outcome="dead") == 1, line
    assert sample(dead, "events_consumed_total", **COUNTER, outcome="failed") >= 5, line
    assert listed.returncode == 0 and "article.deleted" in listed.stdout, listed
    assert "NOPERM" in shown.stdout or "failed 5 deliveries" in shown.stdout, shown
    assert replayed.returncode == 0, replayed
    assert sample(after, "events_dead_letters") == 0, line
    assert sample(after, "events_consumed_total", **COUNTER, outcome="handled") == 2, line
    assert views == 0, line


def test_the_celery_worker_and_beat_report_fetches_freshness_and_photo_jobs(tmp_path, redis_server):
    """Counted in the workers' pool children, served by the worker's parent process."""
    stack = Stack(tmp_path, redis_server.url)
    try:
        stack.migrate()
        stack.start("articles")
        stack.start("weather-worker", "weather-beat", "articles-worker", wait=False)
        fetches = "weather_worker_fetches_total"
        wait_counted(stack, "weather-worker", fetches, outcome="stored")
        upload = requests.post(
            stack.url("articles") + "/v1/media",
            files={"file": ("anh.jpg", plain_jpeg(640, 480), "image/jpeg")},
            data={"caption": "Hồ Thác Bà"},
            headers=stack.auth,
            timeout=30,
        )
        assert upload.status_code == 202, upload.text
        wait_counted(
            stack, "articles-worker", "articles_media_jobs_total", job="render", outcome="ready"
        )
        worker = scrape(stack.metrics_url("weather-worker"))
        beat = scrape(stack.metrics_url("weather-beat"))
        photos = scrape(stack.metrics_url("articles-worker"))
        line = figures(
            "celery-metrics",
            stored=sample(worker, "weather_worker_fetches_total", outcome="stored"),
            lock_held=sample(beat, "weather_beat_lock_held"),
            rendered=sample(photos, "articles_media_jobs_total", job="render", outcome="ready"),
        )
    finally:
        stack.close()

    assert sample(worker, fetches, provider="open-meteo", outcome="stored") >= 1, line
    assert sample(worker, "weather_breaker_state", state="closed") == 1, line
    assert sample(beat, "weather_beat_lock_held") == 1, line
    fresh = sample(beat, "weather_observation_age_seconds", location="yen-bai")
    assert fresh is not None and fresh < 60, line
    assert sample(photos, "articles_media_jobs_total", job="render", outcome="ready") == 1, line
