"""The audit log: who did what to which thing, when and from where."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.models import AuditEntry


def record(
    session: Session, actor: str, action: str, target: str = "", detail: str = "", address: str = ""
) -> None:
    session.add(
        AuditEntry(
            actor=actor, action=action, target=target[:200], detail=detail, address=address[:64]
        )
    )


def recent(session: Session, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))
