"""The services' Dockerfiles, read as data (no Docker engine here to build them).

Each image is multi-stage on the slim Python 3.11 base, installs exactly its package
from the lock, runs as an unprivileged user, has a HEALTHCHECK, and by default runs
its API's Procfile line. Everything it copies is inside the build context that the
root .dockerignore lets through.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from dockerfile_kit import SERVICES, ignored, instructions

from support.servers import ROOT


@pytest.mark.parametrize("name", SERVICES)
def test_the_image_is_multi_stage_on_slim_python_3_11(name):
    steps = instructions(name)
    froms = [args for keyword, args in steps if keyword == "FROM"]
    assert len(froms) >= 3, froms
    args = dict(arg.split("=", 1) for keyword, arg in steps if keyword == "ARG" and "=" in arg)
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim")
    assert froms[-1] == "${PYTHON_IMAGE} AS runtime"


@pytest.mark.parametrize("name", SERVICES)
def test_the_image_installs_its_package_from_the_lock_without_dev_tools(name):
    runs = " ".join(args for keyword, args in instructions(name) if keyword == "RUN")
    syncs = re.findall(r"uv sync ([^&]*)", runs)
    assert syncs, "no uv sync"
    for sync in syncs:
        assert "--frozen" in sync
        assert "--no-dev" in sync
        assert f"--package portal-{name}" in sync
    assert "--no-editable" in syncs[-1]


@pytest.mark.parametrize("name", SERVICES)
def test_the_image_copies_every_workspace_manifest_for_uv(name):
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]
    copies = [args for keyword, args in instructions(name) if keyword == "COPY"]
    for member in workspace["members"]:
        assert f"{member}/pyproject.toml {member}/" in copies, member
    assert "pyproject.toml uv.lock ./" in copies


@pytest.mark.parametrize("name", SERVICES)
def test_everything_copied_is_in_the_build_context(name):
    for keyword, args in instructions(name):
        if keyword != "COPY" or "--from=" in args:
            continue
        words = [word for word in args.split() if not word.startswith("--")]
        for source in words[:-1]:
            assert (ROOT / source).exists(), source
            assert not ignored(source.rstrip("/")), f"{source} is excluded by .dockerignore"
    for secret in (".env", ".git", ".venv", "var/articles.db", "tests/conftest.py"):
        assert ignored(secret), secret


@pytest.mark.parametrize("name", SERVICES)
def test_the_image_runs_as_an_unprivileged_user_with_a_healthcheck(name):
    steps = dict(instructions(name))
    assert steps["USER"] == "portal:portal"
    assert steps["HEALTHCHECK"].endswith(f'CMD ["portal-healthcheck", "http", "{SERVICES[name]}"]')
    assert json.loads(steps["ENTRYPOINT"]) == ["portal-entrypoint"]
    assert f"{name.upper()}_PORT={SERVICES[name]}" in steps["ENV"]
    assert "BIND_HOST=0.0.0.0" in steps["ENV"]
    # Compose gives a read-only root and a tmpfs /tmp: gunicorn's control socket goes there.
    assert "XDG_RUNTIME_DIR=/tmp" in steps["ENV"]


@pytest.mark.parametrize("name", SERVICES)
def test_the_default_command_is_the_procfile_line_of_its_api(name, processes):
    steps = dict(instructions(name))
    assert json.loads(steps["CMD"]) == [processes[name]]
