"""Reading the services' Dockerfiles and the root .dockerignore as data."""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath

from support.servers import ROOT

SERVICES = {"articles": 8001, "counter": 8002, "weather": 8003, "web": 8000}


def instructions(name: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "services" / name / "Dockerfile").read_text()
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
    return result


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
