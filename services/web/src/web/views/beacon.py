"""The view beacon: the page's script reports a reading here; the counter decides if it counts.

Same-origin, so it works behind a page cache and needs no CORS. The visitor is a
first-party cookie id signed with SECRET_KEY; the reader's user agent and address go
on to the counter, which excludes crawlers and repeat views.
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Response, current_app, request
from itsdangerous import BadSignature, Signer

from web.api_client import NotFound, Unavailable
from web.extensions import api_client

log = logging.getLogger(__name__)
bp = Blueprint("beacon", __name__)

VISITOR_COOKIE = "vid"
# Sent to the beacon only: pages stay free of a per-reader cookie, so a page cache can keep them.
VISITOR_COOKIE_PATH = "/beacon/"
VISITOR_MAX_AGE = 2 * 365 * 24 * 3600


def signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="web.visitor")


def visitor_id() -> tuple[str, bool]:
    """The reader's visitor id, and whether it is new (then the cookie must be set)."""
    cookie = request.cookies.get(VISITOR_COOKIE, "")
    if cookie:
        try:
            return signer().unsign(cookie).decode(), False
        except BadSignature:
            pass
    return secrets.token_hex(16), True


def forwarded_for() -> str:
    """The X-Forwarded-For chain as a proxy passes it on: what came in, plus our peer."""
    chain = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    chain = [part for part in chain if part]
    if request.remote_addr:
        chain.append(request.remote_addr)
    return ", ".join(chain)


def cross_site() -> bool:
    return request.headers.get("Sec-Fetch-Site") in {"cross-site"} or (
        bool(request.headers.get("Origin"))
        and request.headers["Origin"].rstrip("/") != request.host_url.rstrip("/")
    )


@bp.post("/beacon/view/<int:article_id>")
def view(article_id: int) -> Response:
    response = Response(status=204)
    if cross_site():
        response.status_code = 403
        return response
    visitor, new = visitor_id()
    apis = api_client()
    try:
        apis.record_view(
            article_id, visitor, request.headers.get("User-Agent", ""), forwarded_for()
        )
    except (Unavailable, NotFound) as exc:
        log.warning("view not recorded: %s", exc)
    if new:
        response.set_cookie(
            VISITOR_COOKIE,
            signer().sign(visitor).decode(),
            max_age=VISITOR_MAX_AGE,
            path=VISITOR_COOKIE_PATH,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    response.headers["Cache-Control"] = "no-store"
    return response
