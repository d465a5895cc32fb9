"""The one Dockerfile every service image is built from, read as data.

It is multi-stage on the slim Python 3.11 base, installs exactly the package its SERVICE
build argument names from the lock, runs as an unprivileged user, has a HEALTHCHECK, and
by default runs that service's API as its Procfile line does. Everything it copies is
inside the build context that the root .dockerignore lets through. tests/containers
builds and runs the images for real.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from dockerfile_kit import SERVICES, build_args, ignored, instructions

from support.servers import ROOT


def test_the_image_is_multi_stage_on_slim_python_3_11():
    steps = instructions()
    froms = [args for keyword, args in steps if keyword == "FROM"]
    assert len(froms) >= 3, froms
    args = dict(arg.split("=", 1) for keyword, arg in steps if keyword == "ARG" and "=" in arg)
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim")
    assert froms[-1] == "${PYTHON_IMAGE} AS runtime"


def test_there_is_one_dockerfile_and_compose_builds_every_service_with_it(services):
    assert not list((ROOT / "services").glob("*/Dockerfile"))
    built = {name: svc["build"] for name, svc in services.items() if "build" in svc}
    assert set(SERVICES) <= set(built)
    for name, build in built.items():
        owner = name.split("-")[0] if name not in ("migrate", "seed", "backup") else "articles"
        assert build["context"] == "."
        assert build.get("dockerfile", "Dockerfile") == "Dockerfile", name
        assert {k: build["args"][k] for k in ("SERVICE", "PORT")} == build_args(owner), name
        # The base images are the Dockerfile's unless the environment names others.
        assert build["args"]["PYTHON_IMAGE"] is None and build["args"]["UV_IMAGE"] is None


@pytest.mark.parametrize("name", SERVICES)
def test_the_image_installs_its_package_from_the_lock_without_dev_tools(name):
    runs = " ".join(args for keyword, args in instructions(name) if keyword == "RUN")
    syncs = re.findall(r"uv sync ([^&]*)", runs)
    assert syncs, "no uv sync"
    for sync in syncs:
        assert "--frozen" in sync
        assert "--no-dev" in sync
        assert f'--package "portal-{name}"' in sync
    assert "--no-editable" in syncs[-1]


def test_the_image_copies_every_workspace_manifest_for_uv():
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]
    copies = [args for keyword, args in instructions() if keyword == "COPY"]
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
    assert steps["HEALTHCHECK"].endswith('CMD portal-healthcheck http "$PORTAL_PORT"')
    assert json.loads(steps["ENTRYPOINT"]) == ["portal-entrypoint"]
    assert f"PORTAL_SERVICE={name}" in steps["ENV"]
    assert f"PORTAL_PORT={SERVICES[name]}" in steps["ENV"]
    assert steps["EXPOSE"] == str(SERVICES[name])
    assert "BIND_HOST=0.0.0.0" in steps["ENV"]
    # Compose gives a read-only root and a tmpfs /tmp: under HTTP_SERVER=gunicorn its
    # control socket goes there.
    assert "XDG_RUNTIME_DIR=/tmp" in steps["ENV"]


@pytest.mark.parametrize("name", SERVICES)
def test_the_default_command_is_the_procfile_line_of_its_api(name, processes):
    (command,) = json.loads(dict(instructions(name))["CMD"])
    port = str(SERVICES[name])
    in_image = command.replace("${PORTAL_PORT}", port).replace("${PORTAL_SERVICE}", name)
    procfile = processes[name].replace(f"${{{name.upper()}_PORT:-{port}}}", port)
    assert in_image == procfile


def backup_stage() -> list[tuple[str, str]]:
    steps = instructions("articles")
    start = next(i for i, (k, a) in enumerate(steps) if k == "FROM" and a.endswith(" AS backup"))
    end = next(i for i, (k, _a) in enumerate(steps) if k == "FROM" and i > start)
    return steps[start + 1 : end]


def test_the_backup_image_has_a_pg_dump_as_new_as_the_compose_postgres(services):
    """pg_dump refuses a server newer than itself: the client follows the server's major."""
    stage = backup_stage()
    args = dict(arg.split("=", 1) for keyword, arg in stage if keyword == "ARG" and "=" in arg)
    server = re.search(r"postgres:(\d+)", services["postgres"]["image"])[1]
    assert args["PG_MAJOR"] == server
    runs = " ".join(arg for keyword, arg in stage if keyword == "RUN")
    assert "postgresql-client-${PG_MAJOR}" in runs
    assert "apt.postgresql.org" in runs
    steps = dict(stage)
    assert steps["USER"] == "portal:portal"
    assert json.loads(steps["CMD"]) == services["backup"]["command"]
    assert services["backup"]["build"]["target"] == "backup"
    assert services["backup"]["build"]["args"]["SERVICE"] == "articles"
