"""Bearer tokens for writes: ``API_TOKENS`` holds ``name:secret`` pairs."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden

from portalkit.problems import problem

F = TypeVar("F", bound=Callable[..., Any])


class Unauthorized(Exception):
    """Raised to answer 401 with ``WWW-Authenticate``."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def token_holder() -> str | None:
    """The name of the token presented with this request, or None.

    Every configured secret is compared in constant time, so the answer's timing says
    nothing about which secret came close.
    """
    if "token_holder" in g:
        return g.token_holder
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    holder = None
    if scheme.lower() == "bearer" and presented.strip():
        given = presented.strip().encode()
        for secret, name in current_app.config["API_TOKENS"].items():
            if hmac.compare_digest(given, secret.encode()):
                holder = name
    g.token_holder = holder
    return holder


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


def token_scopes() -> frozenset[str] | None:
    """The scopes of this request's token; None stands for every scope.

    ``API_TOKENS`` entries carry no scopes yet, so every valid token has them all; when
    they do, this is the one place that reads them.
    """
    return None


def require_scope(scope: str) -> Callable[[F], F]:
    """A valid token (401 otherwise) that holds ``scope`` (403 otherwise)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            scopes = token_scopes()
            if scopes is not None and scope not in scopes:
                raise Forbidden(f"this operation needs a token with the {scope} scope")
            return view(*args, **kwargs)

        return require_token(wrapper)  # type: ignore[return-value]

    return decorate
