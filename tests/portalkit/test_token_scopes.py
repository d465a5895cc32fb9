"""``API_TOKENS`` with scopes: parsing, one clear line for a bad entry, 403 without a scope."""

from __future__ import annotations

import subprocess
import sys

import pytest
from flask import Flask

from portalkit.app import flask_app
from portalkit.auth import require_scope
from portalkit.config import CommonSettings, ConfigError, token_scopes, tokens
from portalkit.http import init_http


def test_an_entry_without_scopes_holds_every_scope_and_one_with_scopes_only_those():
    raw = "editor:abcdefgh12, newsroom:zyxwvuts98:articles.write+act-as"
    assert tokens(raw) == {"abcdefgh12": "editor", "zyxwvuts98": "newsroom"}
    assert token_scopes(raw) == {"zyxwvuts98": frozenset({"articles.write", "act-as"})}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("web:abcdefgh12:drafts.raed", "unknown scope drafts.raed"),
        ("web:abcdefgh12:", "unknown scope (empty)"),
        ("web:abcdefgh12:drafts.read:more", "expected name:secret"),
        ("web:abcdefgh12,relay:abcdefgh12", "listed twice"),
    ],
)
def test_a_bad_entry_is_refused_without_showing_secrets(value, reason):
    with pytest.raises(ConfigError) as caught:
        CommonSettings.from_env({"API_TOKENS": value})
    assert caught.value.name == "API_TOKENS"
    assert reason in str(caught.value)
    assert "abcdefgh12" not in str(caught.value)


def test_a_process_with_an_unknown_scope_stops_at_start_with_one_line():
    code = (
        "from portalkit.config import CommonSettings\n"
        "from portalkit.process import start_process\n"
        "start_process('demo', CommonSettings.from_env)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"API_TOKENS": "web:web-secret-1:drafts.read+publish", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "API_TOKENS" in lines[0] and "unknown scope publish" in lines[0]
    assert "web-secret-1" not in lines[0]


def _app() -> Flask:
    raw = "full:full-secret-1,counter:counter-secret-1:counter.write"
    settings = CommonSettings(api_tokens=tokens(raw), api_token_scopes=token_scopes(raw))
    app = flask_app(__name__, settings)
    init_http(app, "demo")

    @app.post("/refresh")
    @require_scope("weather.refresh")
    def refresh() -> tuple[str, int]:
        return "", 204

    return app


@pytest.mark.parametrize(
    ("secret", "status"),
    [(None, 401), ("wrong-secret", 401), ("counter-secret-1", 403), ("full-secret-1", 204)],
)
def test_a_valid_token_without_the_scope_is_403_problem(secret, status):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    response = _app().test_client().post("/refresh", headers=headers)
    assert response.status_code == status
    if status == 403:
        assert response.mimetype == "application/problem+json"
        assert "weather.refresh" in response.get_json()["detail"]
