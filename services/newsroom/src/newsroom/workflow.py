"""Who may do what to an article: the desk's rules, checked on the server.

Authors write their own articles while they are drafts (or back with them after a
review), and submit them; editors and admins do everything, publishing included.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from newsroom.accounts import has_role
from newsroom.models import ArticleOwner, User

AUTHOR_ACTIONS = frozenset({"save", "submit"})
EDITOR_ACTIONS = frozenset({"publish", "schedule", "unpublish"})
ACTIONS = AUTHOR_ACTIONS | EDITOR_ACTIONS
AUTHOR_STATUSES = frozenset({"draft", "review"})
STATUS_AFTER = {
    "submit": "review",
    "publish": "published",
    "schedule": "scheduled",
    "unpublish": "draft",
}


def may_act(user: User, action: str) -> bool:
    if action in AUTHOR_ACTIONS:
        return True
    return action in EDITOR_ACTIONS and has_role(user, "editor")


def owner_of(session: Session, article_id: int) -> str | None:
    row = session.get(ArticleOwner, article_id)
    return row.username if row else None


def record_owner(session: Session, article_id: int, username: str) -> None:
    if session.get(ArticleOwner, article_id) is None:
        session.add(ArticleOwner(article_id=article_id, username=username))


def may_edit(session: Session, user: User, article: dict[str, Any]) -> bool:
    """Editors edit anything; an author their own article while it is not out."""
    if has_role(user, "editor"):
        return True
    return (
        article.get("status") in AUTHOR_STATUSES
        and owner_of(session, int(article["id"])) == user.username
    )
