"""The ``Link`` header of a list (RFC 8288: first, prev, next, last), built from the
request's own query with ``page`` or ``after`` replaced, under the gateway's prefix."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from flask import request

from portalkit.api import served_prefix


def _link(changes: dict[str, str | None], rel: str) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes]
    args += [(k, v) for k, v in changes.items() if v is not None]
    query = urlencode(args)
    return f'<{served_prefix()}{request.path}{"?" + query if query else ""}>; rel="{rel}"'


def page_links(page: int, per_page: int, total: int) -> str:
    """Links between numbered pages."""
    last = max(1, math.ceil(total / per_page))
    links = [_link({"page": "1", "after": None}, "first")]
    if page > 1:
        links.append(_link({"page": str(min(page - 1, last)), "after": None}, "prev"))
    if page < last:
        links.append(_link({"page": str(page + 1), "after": None}, "next"))
    links.append(_link({"page": str(last), "after": None}, "last"))
    return ", ".join(links)


def cursor_links(next_cursor: str | None) -> str:
    """Links of a cursor walk: back to the start, and on after the last item."""
    links = [_link({"page": None, "after": None}, "first")]
    if next_cursor:
        links.append(_link({"page": None, "after": next_cursor}, "next"))
    return ", ".join(links)
