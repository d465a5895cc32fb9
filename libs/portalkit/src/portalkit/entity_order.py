"""Order per entity: an entry is skipped when the stream already holds a later entry for
the same entity (see docs/design-notes.md, "Consumers: order per entity")."""

from __future__ import annotations

from collections.abc import Callable

import redis

from portalkit.events import Event, MalformedEvent, from_fields

EntityOf = Callable[[Event], str | None]
EntryKey = tuple[int, int]
Entries = list[tuple[str, dict[str, str]]]

_CHUNK = 1000


def entry_key(entry_id: str) -> EntryKey:
    """A stream entry id (``<millis>-<seq>``) as a comparable pair."""
    millis, _, seq = entry_id.partition("-")
    return int(millis), int(seq or 0)


def newest_by_entity(
    client: redis.Redis, stream: str, entries: Entries, entity_of: EntityOf, lookahead: int
) -> dict[str, EntryKey]:
    """Entity -> its newest entry in the ``lookahead`` entries from the first of ``entries``."""
    if not entries:
        return {}
    newest: dict[str, EntryKey] = {}
    cursor = min(entries, key=lambda entry: entry_key(entry[0]))[0]
    fetched = 0
    while fetched < lookahead:
        chunk = client.xrange(stream, min=cursor, max="+", count=min(_CHUNK, lookahead - fetched))
        for entry_id, fields in chunk:
            try:
                entity = entity_of(from_fields(fields))
            except MalformedEvent:
                continue
            if entity is not None:
                newest[entity] = entry_key(entry_id)
        fetched += len(chunk)
        if len(chunk) < _CHUNK:
            break
        cursor = "(" + chunk[-1][0]
    return newest


def is_superseded(entity: str | None, entry_id: str, newest: dict[str, EntryKey] | None) -> bool:
    """Whether a later entry about the same entity decides its state instead."""
    if entity is None or newest is None:
        return False
    return newest.get(entity, (0, 0)) > entry_key(entry_id)
