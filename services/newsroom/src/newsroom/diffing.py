"""Side-by-side differences of two versions of an article, as an HTML table.

difflib escapes every line it puts in the table (``&``, ``<``, ``>``), so a body's
markup, a script included, is shown as text and never becomes part of the page.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from markupsafe import Markup

COMPARED = (("title", "Tiêu đề"), ("summary", "Sa-pô"), ("author", "Tác giả"), ("tags", "Thẻ"))
BLOCK_END = re.compile(r"(</(?:p|h[2-6]|li|figure|blockquote|div|tr)>|<br\s*/?>)", re.IGNORECASE)


def body_lines(body_html: str) -> list[str]:
    """One line per block of the body, so a change shows as the paragraph it is in."""
    return [line.strip() for line in BLOCK_END.sub("\\1\n", body_html or "").splitlines()]


def field_lines(article: dict[str, Any]) -> list[str]:
    lines = []
    for key, label in COMPARED:
        value = article.get(key)
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        lines.append(f"{label}: {value or ''}")
    lines.append(f"Chuyên mục: {category_slug(article.get('category'))}")
    return lines


def category_slug(category: Any) -> str:
    """A category as reads give it (an object) or as writes and snapshots may (a slug)."""
    if isinstance(category, dict):
        return str(category.get("slug") or "")
    return str(category or "")


def side_by_side(
    left: dict[str, Any], right: dict[str, Any], left_label: str, right_label: str
) -> Markup:
    """The fields, then the body, of ``left`` and ``right`` next to each other."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        [*field_lines(left), "", *body_lines(left.get("body_html", ""))],
        [*field_lines(right), "", *body_lines(right.get("body_html", ""))],
        left_label,
        right_label,
    )
    return Markup(table)  # noqa: S704 - difflib escaped every line of both sides


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of the fields (and the body) that differ."""
    names = [label for key, label in COMPARED if before.get(key) != after.get(key)]
    if category_slug(before.get("category")) != category_slug(after.get("category")):
        names.append("Chuyên mục")
    if before.get("body_html") != after.get("body_html"):
        names.append("Nội dung")
    return names
