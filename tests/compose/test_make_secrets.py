"""deploy/make_secrets.py: a file for every secret docker-compose.yml declares."""

from __future__ import annotations

import stat
import subprocess
import sys

import yaml

from portalkit.config import token_scopes, tokens
from support.servers import ROOT

SCRIPT = ROOT / "deploy" / "make_secrets.py"


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60
    )


def test_every_declared_secret_gets_a_private_folder_and_readable_random_file(tmp_path):
    folder = tmp_path / "secrets"
    assert make(str(folder)).returncode == 0
    declared = set(yaml.safe_load((ROOT / "docker-compose.yml").read_text())["secrets"])
    assert {path.name for path in folder.iterdir()} == declared
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
        assert len(path.read_text()) >= 32, path.name
    # API_TOKENS as the services parse it: the editor's token first (the seed's), the
    # newsroom's with every scope, the web's that may only read drafts for previews.
    raw = (folder / "api_tokens").read_text()
    assert list(tokens(raw).values()) == ["editor", "newsroom", "web"]
    newsroom = (folder / "newsroom_api_token").read_text()
    web = (folder / "web_api_token").read_text()
    assert tokens(raw)[newsroom] == "newsroom" and tokens(raw)[web] == "web"
    assert token_scopes(raw) == {web: frozenset({"drafts.read"})}
    assert (folder / "preview_secret").read_text() not in raw


def test_existing_secrets_are_kept_and_given_ones_written(tmp_path):
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "redis_password").write_text("kept-as-it-is")
    assert make(str(folder), "--set", "api_tokens=ops:given-token-123").returncode == 0
    assert (folder / "redis_password").read_text() == "kept-as-it-is"
    assert (folder / "api_tokens").read_text() == "ops:given-token-123"
    unknown = make(str(folder), "--set", "nonsense=1")
    assert unknown.returncode != 0
    assert "declares no secret nonsense" in unknown.stderr
