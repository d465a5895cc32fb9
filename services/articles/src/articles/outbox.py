"""The transactional outbox: each event is written in its change's own transaction.

The relay publishes pending rows; a row published twice carries the same event id, and
the publish step skips ids already published (docs/design-notes.md).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

import redis
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from articles.models import OutboxEvent, utcnow
from portalkit.events import Event, from_fields, to_fields
from portalkit.streams import EventBus

log = logging.getLogger(__name__)

PUBLISHED_MARKER = "articles:outbox:published:{event_id}"
MARKER_TTL_S = 7 * 24 * 3600


RECORDED = "articles.outbox.recorded"
"""``session.info`` key: ids of the events recorded through this session (for callers
that want to know what a change emitted)."""


def record(session: Session, event: Event) -> OutboxEvent:
    """Queue ``event`` for publication with whatever else this transaction commits."""
    session.info.setdefault(RECORDED, []).append(event.id)
    row = OutboxEvent(
        event_id=event.id,
        event_type=event.type,
        stream=event.stream,
        fields=json.dumps(to_fields(event), ensure_ascii=False),
    )
    session.add(row)
    return row


def claim_pending(session: Session, limit: int, skip_locked: bool) -> list[OutboxEvent]:
    """The oldest unsent rows, locked for this transaction (others skip them on PostgreSQL)."""
    query = (
        select(OutboxEvent)
        .where(OutboxEvent.sent_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def publish_pending(
    session: Session, bus: EventBus, limit: int = 200, skip_locked: bool = False
) -> int:
    """Publish up to ``limit`` pending rows in order and mark them sent; returns how many.

    Runs inside the caller's transaction: the rows are marked sent when it commits, after
    Redis accepted them. A crash in between leaves them pending, to be offered again;
    their markers make the second offer a no-op in the stream.
    """
    rows = claim_pending(session, limit, skip_locked)
    if not rows:
        return 0
    publish_rows(bus, rows)
    session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_([row.id for row in rows]))
        .values(sent_at=utcnow())
    )
    return len(rows)


def oldest_unsent(connection: Connection) -> datetime | None:
    """When the oldest event not yet sent was written (None when every event is sent)."""
    return connection.execute(
        select(func.min(OutboxEvent.created_at)).where(OutboxEvent.sent_at.is_(None))
    ).scalar()


def backlog(connection: Connection) -> tuple[int, datetime | None]:
    """How many events wait to be sent, and when the oldest of them was written."""
    count, oldest = connection.execute(
        select(func.count(OutboxEvent.id), func.min(OutboxEvent.created_at)).where(
            OutboxEvent.sent_at.is_(None)
        )
    ).one()
    return int(count), oldest


def nothing_sent_yet(session: Session) -> bool:
    """Whether the outbox has pending rows and has never sent one (a first start)."""
    sent = session.scalar(select(OutboxEvent.id).where(OutboxEvent.sent_at.is_not(None)).limit(1))
    pending = session.scalar(select(OutboxEvent.id).where(OutboxEvent.sent_at.is_(None)).limit(1))
    return sent is None and pending is not None


def prune(session: Session, older_than: datetime) -> int:
    """Delete rows sent before ``older_than``; pending rows are never touched."""
    result = session.execute(
        delete(OutboxEvent).where(
            OutboxEvent.sent_at.is_not(None), OutboxEvent.sent_at < older_than
        )
    )
    return result.rowcount or 0


def publish_rows(bus: EventBus, rows: list[OutboxEvent]) -> None:
    """XADD each row not yet published, with its marker, in one ``MULTI``."""
    client: redis.Redis = bus.client
    markers = [PUBLISHED_MARKER.format(event_id=row.event_id) for row in rows]
    with client.pipeline(transaction=True) as pipe:
        pipe.watch(*markers)
        seen = pipe.mget(markers)
        pipe.multi()
        fresh = 0
        for row, marker, already in zip(rows, markers, seen, strict=True):
            if already:
                continue
            bus.publish(from_fields(json.loads(row.fields)), pipe)
            pipe.set(marker, "1", ex=MARKER_TTL_S)
            fresh += 1
        pipe.execute()
    if fresh < len(rows):
        log.info("outbox rows already in the stream skipped", extra={"skipped": len(rows) - fresh})
