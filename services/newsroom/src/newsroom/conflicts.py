"""What to tell a person whose save came too late (412): who changed what since."""

from __future__ import annotations

import re
from typing import Any

from newsroom.article_form import Draft
from newsroom.desk_api import ApiError, DeskApi, Unavailable, Versioned
from newsroom.diffing import changed_fields, side_by_side


def version_of(etag: str) -> int | None:
    match = re.fullmatch(r'(?:W/)?"\d+-(\d+)"', etag.strip())
    return int(match.group(1)) if match else None


def conflict_report(
    api: DeskApi, actor: str, current: Versioned, draft: Draft, based_on: str
) -> dict[str, Any]:
    """The current version, who saved since the person's base, the fields that changed,
    and a side-by-side of the saved text with the person's."""
    base_version = version_of(based_on)
    article = current.article
    try:
        revisions = api.revisions(actor, int(article["id"]))
    except (ApiError, Unavailable):
        revisions = []
    later = [r for r in revisions if base_version is None or r["version"] > base_version]
    base = next((r["article"] for r in revisions if r["version"] == base_version), None)
    mine = {**draft.fields_as_typed(), "category": {"slug": draft.category}}
    return {
        "version": article.get("version"),
        "updated_at": article.get("updated_at"),
        "editors": sorted({r.get("actor") or r.get("editor") or "?" for r in later}),
        "changed": changed_fields(base, article) if base else [],
        "diff": side_by_side(article, mine, "Bản đang lưu", "Bản của bạn"),
    }
