"""Reading the one Dockerfile, its build arguments, and the root .dockerignore as data."""

from __future__ import annotations

import fnmatch
import re
from pathlib import PurePosixPath

from support.servers import ROOT

SERVICES = {"articles": 8001, "counter": 8002, "weather": 8003, "web": 8000, "newsroom": 8004}


def build_args(name: str) -> dict[str, str]:
    """The build arguments docker-compose.yml gives the image of service ``name``."""
    return {"SERVICE": name, "PORT": str(SERVICES[name])}


def expand(text: str, args: dict[str, str]) -> str:
    """``text`` with the Dockerfile's ${ARG} references replaced by the build arguments."""
    return re.sub(r"\$\{([A-Z_]+)\}", lambda m: args.get(m[1], m[0]), text)


def instructions(name: str | None = None) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped.

    With a service ``name``, the build arguments are filled in as that image's build does.
    """
    text = (ROOT / "Dockerfile").read_text()
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        result.append((keyword.upper(), args.strip()))
    if name is None:
        return result
    return [(keyword, expand(args, build_args(name))) for keyword, args in result]


def ignored(path: str) -> bool:
    """Whether the root .dockerignore keeps ``path`` out of the build context."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    candidates = [
        path,
        *(str(parent) for parent in PurePosixPath(path).parents if str(parent) != "."),
    ]
    verdict = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        if any(
            fnmatch.fnmatch(c, pattern) or fnmatch.fnmatch(c, pattern.replace("**/", ""))
            for c in candidates
        ):
            verdict = not negated
    return verdict


def build_stage(name: str) -> list[tuple[str, str]]:
    """The instructions of the ``build`` stage (the one that installs the environment)."""
    steps = instructions(name)
    start = next(i for i, (k, a) in enumerate(steps) if k == "FROM" and a.endswith(" AS build"))
    end = next((i for i, (k, _a) in enumerate(steps) if k == "FROM" and i > start), len(steps))
    return steps[start + 1 : end]
