"""Bearer tokens and their scopes: ``API_TOKENS`` holds ``name:secret[:scope+scope]``
entries; ``X-Actor`` names the person behind a request from a token with ``act-as``."""

from __future__ import annotations

import functools
import hmac
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from werkzeug.exceptions import BadRequest, Forbidden

from portalkit.problems import problem
from portalkit.scopes import ACT_AS

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger(__name__)

ACTOR_HEADER = "X-Actor"
ACTOR_ENVIRON = "portalkit.actor"
"""WSGI environ key of the accepted actor (read by the log format)."""
_ACTOR = re.compile(r"^[\w.@+-]{1,120}$")


class Unauthorized(Exception):
    """Raised to answer 401 with ``WWW-Authenticate``."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _presented_secret() -> str | None:
    """The configured secret this request's token matches, or None.

    Every configured secret is compared in constant time, so the answer's timing says
    nothing about which secret came close.
    """
    if "token_secret" in g:
        return g.token_secret
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    found = None
    if scheme.lower() == "bearer" and presented.strip():
        given = presented.strip().encode()
        for secret in current_app.config["API_TOKENS"]:
            if hmac.compare_digest(given, secret.encode()):
                found = secret
    g.token_secret = found
    return found


def token_holder() -> str | None:
    """The name of the token presented with this request, or None."""
    secret = _presented_secret()
    return None if secret is None else current_app.config["API_TOKENS"][secret]


def token_scopes() -> frozenset[str] | None:
    """The scopes of this request's token; None stands for every scope (a token listed
    without scopes), an empty set for a request without a valid token."""
    secret = _presented_secret()
    if secret is None:
        return frozenset()
    return current_app.config.get("API_TOKEN_SCOPES", {}).get(secret)


def has_scope(scope: str) -> bool:
    """Whether this request's token is valid and holds ``scope``."""
    scopes = token_scopes()
    return scopes is None or scope in scopes


def require_token(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if token_holder() is None:
            raise Unauthorized(
                "a valid bearer token is required"
                if request.headers.get("Authorization")
                else "this operation needs an Authorization: Bearer token"
            )
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def unauthorized_response(exc: Unauthorized) -> Any:
    return problem(
        401,
        exc.detail,
        headers={"WWW-Authenticate": 'Bearer realm="portal", error="invalid_token"'},
    )


def check_scope(*scopes: str) -> None:
    """403 unless the token holds one of ``scopes`` (the caller checked it is valid)."""
    if not any(has_scope(scope) for scope in scopes):
        raise Forbidden(f"this operation needs a token with the {' or '.join(scopes)} scope")


def require_scope(*scopes: str) -> Callable[[F], F]:
    """A valid token (401 otherwise) holding one of ``scopes`` (403 otherwise); an
    ``X-Actor`` header is checked too (:func:`actor`)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_scope(*scopes)
            actor()
            return view(*args, **kwargs)

        return require_token(wrapper)  # type: ignore[return-value]

    return decorate


def actor() -> str | None:
    """The person named in ``X-Actor``, accepted from a token with ``act-as`` only.

    A token without it that names someone is refused (403) rather than ignored, so a
    caller never believes a change was recorded in a name it was not. A malformed name
    is 400. The accepted name is put where the log format finds it.
    """
    if "actor" in g:
        return g.actor
    named = request.headers.get(ACTOR_HEADER)
    if named is None:
        g.actor = None
        return None
    named = named.strip()
    if not _ACTOR.match(named):
        raise BadRequest(
            f"{ACTOR_HEADER} must be 1 to 120 letters, digits or . _ @ + - (a username)"
        )
    if not has_scope(ACT_AS):
        log.warning(
            "X-Actor refused: the token has no act-as scope",
            extra={"token": token_holder(), "named": named},
        )
        raise Forbidden(f"only a token with the {ACT_AS} scope may send {ACTOR_HEADER}")
    g.actor = named
    request.environ[ACTOR_ENVIRON] = named
    return named
