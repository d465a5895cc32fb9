"""Writes the secret files docker-compose.yml mounts, each one that is missing.

    .venv/bin/python deploy/make_secrets.py [FOLDER] [--set NAME=VALUE ...]

FOLDER is $PORTAL_SECRETS_DIR, else ./secrets (from the repository root). Every secret
the Compose file declares gets a random URL-safe value, except ``api_tokens``, which gets
an ``editor:<secret>`` pair, the newsroom's own token (``newsroom:<newsroom_api_token>``)
and the web's, which may only read drafts for previews (``web:<web_api_token>:drafts.read``),
each token file made first when missing; a file that exists is kept. ``--set`` writes a given value
instead. The folder is made private to its owner (0700) and the files readable (0644):
Compose bind-mounts each file into containers that run as other users.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def declared_secrets(compose: dict) -> list[str]:
    return list(compose.get("secrets", {}))


def token_of(folder: Path, name: str) -> str:
    """The token in the secret file ``name``, written first when missing."""
    path = folder / name
    if not path.exists():
        path.write_text(secrets.token_hex(24))
        path.chmod(0o644)
    return path.read_text().strip()


def random_value(name: str, folder: Path) -> str:
    value = secrets.token_hex(24)
    if name != "api_tokens":
        return value
    newsroom = token_of(folder, "newsroom_api_token")
    web = token_of(folder, "web_api_token")
    return f"editor:{value},newsroom:{newsroom},web:{web}:drafts.read"


def write_secrets(folder: Path, names: list[str], given: dict[str, str]) -> list[str]:
    """Writes each missing (or given) secret; returns the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    written = []
    for name in names:
        path = folder / name
        if path.exists() and name not in given:
            continue
        path.write_text(given.get(name) or random_value(name, folder))
        path.chmod(0o644)
        written.append(name)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    default = os.environ.get("PORTAL_SECRETS_DIR") or str(ROOT / "secrets")
    parser.add_argument("folder", nargs="?", type=Path, default=Path(default))
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    options = parser.parse_args(argv)
    names = declared_secrets(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))
    given = dict(item.partition("=")[::2] for item in options.set)
    unknown = sorted(set(given) - set(names))
    if unknown:
        parser.error(f"docker-compose.yml declares no secret {', '.join(unknown)}")
    for name in write_secrets(options.folder, names, given):
        sys.stdout.write(f"wrote {options.folder / name}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
