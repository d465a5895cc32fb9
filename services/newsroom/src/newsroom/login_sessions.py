"""Server-side login sessions: the cookie holds a random token, the table its SHA-256.

A session ends at logout, when its user is disabled, after ``idle_s`` without a request,
or ``max_age_s`` after sign-in, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from newsroom.models import LoginSession, User, utcnow

TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Lifetime:
    max_age_s: int
    idle_s: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User, address: str, user_agent: str) -> str:
    """A new session for ``user``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            id=_digest(token),
            user_id=user.id,
            address=address[:64],
            user_agent=user_agent[:300],
        )
    )
    return token


def resume(session: Session, token: str, lifetime: Lifetime) -> User | None:
    """The active user of a live session, else None (an expired session is removed)."""
    if not token:
        return None
    row = session.get(LoginSession, _digest(token))
    if row is None:
        return None
    now = utcnow()
    expired = now - row.created_at > timedelta(seconds=lifetime.max_age_s) or (
        now - row.last_seen_at > timedelta(seconds=lifetime.idle_s)
    )
    user = session.get(User, row.user_id)
    if expired or user is None or not user.active:
        session.delete(row)
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return user


def end(session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))


def count_for(session: Session, user: User) -> int:
    query = select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)
    return session.scalar(query) or 0
