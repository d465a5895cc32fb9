"""Which scope an article write needs: ``articles.write`` for work in progress,
``articles.publish`` for anything that touches what readers see or may see."""

from __future__ import annotations

from articles.errors import Forbidden
from portalkit.scopes import ARTICLES_PUBLISH

IN_PROGRESS = ("draft", "review")
"""Statuses an author may set and leave with ``articles.write`` alone."""


def needs_publish(before: str | None, after: str) -> bool:
    """Whether going from status ``before`` (None: a new article) to ``after`` publishes,
    schedules, unpublishes or changes a published, scheduled or archived article."""
    return after not in IN_PROGRESS or (before is not None and before not in IN_PROGRESS)


def check_transition(may_publish: bool, before: str | None, after: str) -> None:
    """403 when the change needs ``articles.publish`` and the token lacks it."""
    if not may_publish and needs_publish(before, after):
        if before is None or before in IN_PROGRESS:
            what = f"setting the status {after!r}"
        else:
            what = f"changing a {before} article"
        raise Forbidden(f"{what} needs a token with the {ARTICLES_PUBLISH} scope")
