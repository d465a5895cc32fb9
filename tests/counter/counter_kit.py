"""Helpers of the counter tests: a movable clock, article events, requests as the web sends them."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from counter.consumer import build_consumer
from counter.settings import Settings
from portalkit.events import ArticleDeleted, ArticlePublished, ArticleUnpublished
from portalkit.redis_client import connect
from portalkit.streams import EventBus, publish_all

TOKEN = "shipper-secret-token"
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def set(self, when: datetime) -> None:
        with self._lock:
            self.now = when

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += timedelta(**delta)


class Articles:
    """Announces article events on the real stream and lets the counter's consumer apply them."""

    def __init__(self, settings: Settings) -> None:
        self.bus = EventBus(connect(settings.redis_url))
        self.consumer = build_consumer(settings, block_ms=10, claim_idle_ms=60_000)
        self.consumer.ensure_group()

    def _apply(self, events) -> None:
        publish_all(self.bus, events)
        while self.consumer.poll():
            pass

    def publish(self, *ids: int) -> None:
        self._apply(
            [ArticlePublished(article_id=i, slug=f"bai-{i}", status="published") for i in ids]
        )

    def unpublish(self, *ids: int) -> None:
        self._apply(
            [ArticleUnpublished(article_id=i, slug=f"bai-{i}", status="draft") for i in ids]
        )

    def delete(self, *ids: int) -> None:
        self._apply([ArticleDeleted(article_id=i, slug=f"bai-{i}", status="deleted") for i in ids])


def view(client, article_id, visitor_id=None, ua=BROWSER, forwarded_for=None, **kwargs):
    """POST one view the way the web front does, returning the response."""
    headers = {"User-Agent": ua} if ua is not None else {}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = {"article_id": article_id}
    if visitor_id is not None:
        body["visitor_id"] = visitor_id
    return client.post("/v1/views", json=body, headers=headers, **kwargs)


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def requests_reaching_flask(client, key: str) -> list[str]:
    """Spy on the requests the view lane of ``client``'s app hands on to Flask: the list
    fills with each one's ``environ[key]``."""
    lane = client.application.wsgi_app
    flask, reached = lane.flask, []

    def spy(environ, start_response):
        reached.append(environ[key])
        return flask(environ, start_response)

    lane.flask = spy
    return reached
