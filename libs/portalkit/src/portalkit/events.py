"""The event contract: one small dataclass per domain event (docs/events.md).

A stream entry has the fields ``id`` (UUID), ``type``, ``occurred_at`` (ISO 8601 UTC),
``source`` and ``data`` (JSON of the event's own fields).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from portalkit.event_checks import (
    POSITIVE,
    MalformedEvent,
    check_envelope,
    known_fields,
    parse_data,
)

ARTICLES_STREAM = "events:articles"
WEATHER_STREAM = "events:weather"
MEDIA_STREAM = "events:media"
DEAD_LETTER_STREAM = "events:dead"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True, kw_only=True)
class Event:
    """Envelope fields shared by every event."""

    type: ClassVar[str] = ""
    stream: ClassVar[str] = ""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=_now)
    source: str = ""

    def data(self) -> dict[str, Any]:
        envelope = {"id", "occurred_at", "source"}
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in envelope
        }


@dataclass(frozen=True, kw_only=True)
class ArticleEvent(Event):
    """What consumers need to know of an article: its identity, place and state."""

    stream: ClassVar[str] = ARTICLES_STREAM
    source: str = "articles"
    article_id: int = field(metadata=POSITIVE)
    slug: str
    category: str | None = None
    status: str = ""
    version: int = 0
    published_at: str | None = None
    old_slugs: list[str] = field(default_factory=list)
    actor: str | None = None
    """The person behind the change (``X-Actor``), when the API was told."""


@dataclass(frozen=True, kw_only=True)
class ArticlePublished(ArticleEvent):
    type: ClassVar[str] = "article.published"


@dataclass(frozen=True, kw_only=True)
class ArticleUpdated(ArticleEvent):
    type: ClassVar[str] = "article.updated"


@dataclass(frozen=True, kw_only=True)
class ArticleUnpublished(ArticleEvent):
    type: ClassVar[str] = "article.unpublished"


@dataclass(frozen=True, kw_only=True)
class ArticleDeleted(ArticleEvent):
    type: ClassVar[str] = "article.deleted"


@dataclass(frozen=True, kw_only=True)
class WeatherUpdated(Event):
    type: ClassVar[str] = "weather.updated"
    stream: ClassVar[str] = WEATHER_STREAM
    source: str = "weather"
    location: str
    observed_at: str | None = None
    fetched_at: str | None = None


@dataclass(frozen=True, kw_only=True)
class MediaEvent(Event):
    """A photo of the articles service changed state."""

    stream: ClassVar[str] = MEDIA_STREAM
    source: str = "articles"
    media_id: int
    sha256: str = ""


@dataclass(frozen=True, kw_only=True)
class MediaReady(MediaEvent):
    type: ClassVar[str] = "media.ready"
    renditions: int = 0


@dataclass(frozen=True, kw_only=True)
class MediaFailed(MediaEvent):
    type: ClassVar[str] = "media.failed"
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class MediaDeleted(MediaEvent):
    type: ClassVar[str] = "media.deleted"


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        ArticlePublished,
        ArticleUpdated,
        ArticleUnpublished,
        ArticleDeleted,
        WeatherUpdated,
        MediaReady,
        MediaFailed,
        MediaDeleted,
    )
}


def to_fields(event: Event) -> dict[str, str]:
    """The stream entry for an event."""
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "source": event.source,
        "data": json.dumps(event.data(), ensure_ascii=False, separators=(",", ":")),
    }


def from_fields(fields: dict[str, str]) -> Event:
    """Parse a stream entry; raises :class:`MalformedEvent` for anything off-contract
    (:mod:`portalkit.event_checks` says what is checked)."""
    cls = EVENT_TYPES.get(str(fields.get("type")))
    if cls is None:
        raise MalformedEvent(f"unknown event type {str(fields.get('type'))[:64]!r}")
    check_envelope(fields)
    data = known_fields(cls, parse_data(fields.get("data")))
    return cls(
        id=fields["id"], occurred_at=fields["occurred_at"], source=fields.get("source", ""), **data
    )
