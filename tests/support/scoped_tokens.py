"""Tokens with scopes for the scope tests: one holding a single scope, one lacking a set."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from portalkit.config import token_scopes, tokens
from portalkit.scopes import ACT_AS, ARTICLES_PUBLISH, ARTICLES_WRITE, DRAFTS_READ, SCOPES


def _secret(prefix: str, scopes: Iterable[str]) -> str:
    return f"{prefix}-" + "-".join(sorted(scopes)).replace(".", "_")


def only(*scopes: str) -> dict[str, str]:
    """Headers with a token holding ``scopes`` and nothing else."""
    return {"Authorization": f"Bearer {_secret('only', scopes)}"}


def lacking(*scopes: str) -> dict[str, str]:
    """Headers with a token holding every scope but ``scopes``."""
    return {"Authorization": f"Bearer {_secret('lacks', scopes)}"}


SINGLE = [(scope,) for scope in sorted(SCOPES)]
GRANTS = [
    *SINGLE,
    (ARTICLES_WRITE, DRAFTS_READ),
    (ACT_AS, ARTICLES_WRITE),
    (ACT_AS, ARTICLES_PUBLISH),
]
LACKS = [*SINGLE, (ARTICLES_PUBLISH, ARTICLES_WRITE)]


def api_tokens_value(full_name: str, full_secret: str) -> str:
    """An ``API_TOKENS`` value: the unscoped token of the other tests, then scoped ones."""
    entries = [f"{full_name}:{full_secret}"]
    for scopes in GRANTS:
        entries.append(f"{'+'.join(scopes)}:{_secret('only', scopes)}:{'+'.join(scopes)}")
    for scopes in LACKS:
        rest = sorted(SCOPES - set(scopes))
        entries.append(f"lacks-{'+'.join(scopes)}:{_secret('lacks', scopes)}:{'+'.join(rest)}")
    return ",".join(entries)


def token_settings(full_name: str, full_secret: str) -> dict[str, Any]:
    """``api_tokens`` and ``api_token_scopes`` for a service's settings, parsed as at start."""
    raw = api_tokens_value(full_name, full_secret)
    return {"api_tokens": tokens(raw), "api_token_scopes": token_scopes(raw)}
