"""The photo library: media records and their writes, each in the caller's transaction
with its event in the outbox, like the article writes of :mod:`articles.store`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from articles import outbox, store
from articles.errors import Conflict, NotFound, PayloadTooLarge
from articles.media.probe import Probe
from articles.media.storage import ORIGINALS, Storage
from articles.models import Article, ArticleMedia, Media, utcnow
from articles.vietnamese import fold
from portalkit.events import MediaDeleted, MediaFailed, MediaReady

EDITABLE = ("caption", "alt", "credit")
IN_USE = ("published", "scheduled")
READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Original:
    """An upload as received: its bytes, their SHA-256 and where they are kept."""

    data: bytes
    sha256: str

    @property
    def key(self) -> str:
        return original_key(self.sha256)


def original_key(sha256: str) -> str:
    return f"{ORIGINALS}{sha256[:2]}/{sha256}"


def read_upload(stream: BinaryIO, max_bytes: int) -> Original:
    """The upload's bytes, refused with 413 as soon as they pass ``max_bytes``."""
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    stream.seek(0)
    while chunk := stream.read(READ_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"the file is larger than {max_bytes} bytes")
        digest.update(chunk)
        chunks.append(chunk)
    return Original(b"".join(chunks), digest.hexdigest())


def keep_original(storage: Storage, original: Original, probe: Probe) -> None:
    """Store the upload privately (once per content)."""
    storage.put(original.key, original.data, probe.content_type)


def _index(media: Media) -> None:
    media.search_caption = fold(" ".join(filter(None, (media.caption, media.alt, media.credit))))


def create_media(
    session: Session,
    original: Original,
    probe: Probe,
    fields: dict[str, Any],
    created_by: str | None,
) -> Media:
    """A new record in ``processing``; the caller queues its renditions."""
    now = utcnow()
    media = Media(
        status="processing",
        sha256=original.sha256,
        original_type=probe.content_type,
        original_bytes=len(original.data),
        width=probe.width,
        height=probe.height,
        renditions="[]",
        created_at=now,
        updated_at=now,
        created_by=created_by,
        **{name: fields.get(name) for name in EDITABLE},
    )
    _index(media)
    session.add(media)
    session.flush()
    return media


def get_media(session: Session, media_id: int, *, for_update: bool = False) -> Media:
    query = select(Media).where(Media.id == media_id)
    if for_update:
        query = query.with_for_update()
    media = session.scalar(query)
    if media is None:
        raise NotFound(f"no photo has the id {media_id}")
    return media


def list_media(
    session: Session, q: str | None, status: str | None, page: int, per_page: int
) -> tuple[list[Media], int]:
    """Newest first; ``q`` matches words of the caption, alt text or credit, without accents."""
    query = select(Media)
    for word in fold(q or "").split():
        query = query.where(Media.search_caption.like(f"%{word}%"))
    if status:
        query = query.where(Media.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Media.created_at.desc(), Media.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(items), total


def users(session: Session, media_id: int) -> list[int]:
    """The articles that show the photo."""
    return list(
        session.scalars(select(ArticleMedia.article_id).where(ArticleMedia.media_id == media_id))
    )


def update_media(session: Session, media_id: int, changes: dict[str, Any]) -> Media:
    """Change caption, alt or credit; articles showing the photo read anew."""
    media = get_media(session, media_id, for_update=True)
    changed = False
    for name in EDITABLE:
        if name in changes and getattr(media, name) != changes[name]:
            setattr(media, name, changes[name])
            changed = True
    if changed:
        media.updated_at = utcnow()
        _index(media)
        store.refresh_articles(session, users(session, media_id))
    return media


def delete_media(session: Session, media_id: int) -> Media:
    """Delete a photo no published or scheduled article shows (409 otherwise).

    Drafts showing it lose that image. The files stay until no record names them (the
    worker's ``purge``, queued by the caller after commit).
    """
    media = get_media(session, media_id, for_update=True)
    using = users(session, media_id)
    if using:
        blocking = list(
            session.scalars(
                select(Article.id).where(Article.id.in_(using), Article.status.in_(IN_USE))
            )
        )
        if blocking:
            listed = ", ".join(str(i) for i in sorted(blocking))
            raise Conflict(f"the photo is shown by published or scheduled articles: {listed}")
        store.refresh_articles(session, using)
    outbox.record(session, MediaDeleted(media_id=media.id, sha256=media.sha256))
    session.delete(media)
    session.flush()
    return media


def mark_ready(session: Session, media: Media, width: int, height: int, made: list[dict]) -> None:
    """Record the renditions made; ``media.ready`` goes out with the change."""
    media.status = "ready"
    media.reason = None
    media.width, media.height = width, height
    media.renditions = json.dumps(made)
    media.updated_at = utcnow()
    outbox.record(session, MediaReady(media_id=media.id, sha256=media.sha256, renditions=len(made)))
    store.refresh_articles(session, users(session, media.id))


def mark_failed(session: Session, media: Media, reason: str) -> None:
    """Record why no renditions could be made; ``media.failed`` goes out with the change."""
    media.status = "failed"
    media.reason = reason[:2000]
    media.updated_at = utcnow()
    outbox.record(session, MediaFailed(media_id=media.id, sha256=media.sha256, reason=media.reason))
    store.refresh_articles(session, users(session, media.id))


def shared_sha(session: Session, sha256: str) -> bool:
    """Whether some record still names these files."""
    return bool(session.scalar(select(func.count()).where(Media.sha256 == sha256)))
