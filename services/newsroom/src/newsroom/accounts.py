"""Users of the newsroom: creating, finding, signing in, disabling."""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from newsroom.models import ROLES, LoginSession, User
from newsroom.passwords import check_strength, hash_password, needs_rehash, verify_password

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
RANK = {role: rank for rank, role in enumerate(ROLES)}


class AccountError(ValueError):
    """A user that cannot be created or changed as asked; the message says why."""


def has_role(user: User, role: str) -> bool:
    """Whether ``user`` holds ``role`` or a higher one (author < editor < admin)."""
    return RANK[user.role] >= RANK[role]


def create_user(
    session: Session, username: str, password: str, role: str, display_name: str | None = ""
) -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("tên đăng nhập: 2-64 ký tự a-z, 0-9, dấu chấm, gạch ngang, gạch dưới")
    if role not in ROLES:
        raise AccountError(f"vai trò phải là một trong {', '.join(ROLES)}")
    if (why := check_strength(password)) is not None:
        raise AccountError(why)
    if find_user(session, username) is not None:
        raise AccountError("tên đăng nhập đã có")
    user = User(
        username=username,
        display_name=(display_name or "").strip() or username,
        role=role,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with that name and password, else None (same work either way)."""
    user = find_user(session, username)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_active(session: Session, user: User, active: bool) -> None:
    """Enable or disable ``user``; disabling ends every session of theirs at once."""
    user.active = active
    if not active:
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def set_password(session: Session, user: User, password: str) -> None:
    if (why := check_strength(password)) is not None:
        raise AccountError(why)
    user.password_hash = hash_password(password)
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
