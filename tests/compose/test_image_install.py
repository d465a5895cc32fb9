"""Each image's environment, built here by replaying its Dockerfile's build stage.

No Docker engine runs here, but the build stage is plain: COPY what the build context
lets through, then ``uv sync`` from the lock. Replaying exactly those steps into a
temporary folder (uv works from its cache, offline) gives the environment the image
would hold. Run from outside the source tree, with nothing else on the path, it must
start the image's default command and serve: package data (templates, migrations, Lua
scripts, sample media) and runtime dependencies missing from a package show up here,
not only in a container.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml
from dockerfile_kit import SERVICES, build_stage, ignored, instructions

from support.servers import ROOT, Process, free_port, wait_until

ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
PROBE = ROOT / "deploy" / "docker" / "healthcheck.py"


def uv_binary() -> str:
    found = ROOT / ".tools" / "bin" / "uv"
    return str(found) if found.exists() else (shutil.which("uv") or pytest.fail("no uv"))


def copy_into(source: str, dest: Path) -> None:
    """Docker's COPY of ``source`` (a file, or a folder's contents) into ``dest``."""
    origin = ROOT / source

    def skip(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(ROOT)
        return {n for n in names if ignored(str(relative / n))}

    if origin.is_dir():
        shutil.copytree(origin, dest, ignore=skip, dirs_exist_ok=True)
    else:
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, dest / origin.name)


def replay_build(name: str, workdir: Path) -> Path:
    """Run the build stage's COPY and ``uv sync`` steps; returns the environment's folder."""
    source = workdir / "src"
    venv = workdir / "venv"
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON": os.path.realpath(sys.executable),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_LINK_MODE": "hardlink",
        "UV_COMPILE_BYTECODE": "0",
        "UV_NO_PROGRESS": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    for keyword, args in build_stage(name):
        if keyword == "COPY" and "--from=" not in args:
            *sources, dest = args.split()
            for item in sources:
                copy_into(item, source / dest)
        elif keyword == "RUN" and "uv sync" in args:
            command = shlex.split(args[args.index("uv sync") :])
            result = subprocess.run(
                [uv_binary(), *command[1:], "--offline"],
                cwd=source,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stderr[-3000:]
    return venv


@pytest.fixture(scope="module", params=list(SERVICES))
def image(request, tmp_path_factory) -> Iterator[tuple[str, Path, Path]]:
    name = request.param
    workdir = tmp_path_factory.mktemp(f"image-{name}")
    yield name, replay_build(name, workdir), workdir


def runtime_env(venv: Path, workdir: Path, redis_url: str, port: int, name: str) -> dict:
    """What the runtime stage sets, moved to this machine; no PYTHONPATH, no repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(workdir),
        XDG_RUNTIME_DIR=str(workdir),
        PYTHONDONTWRITEBYTECODE="1",
        BIND_HOST="127.0.0.1",
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{workdir / 'articles.db'}",
        API_TOKENS="editor:image-test-token",
        WEB_CONCURRENCY="2",
        # As in docker-compose.yml: gunicorn's processes pool their metrics here (the
        # entry point creates the folder).
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "prometheus"),
        LOG_LEVEL="WARNING",
        PORTAL_SERVICE=name,
        PORTAL_PORT=str(port),
    )
    return env


def compose_jobs(jobs: tuple[str, ...] = ("migrate", "seed")) -> list[str]:
    """The commands of Compose's migrate and seed jobs (or of ``jobs``), in their order."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return [services[job]["command"][0] for job in jobs]


def run(args: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_environment_holds_only_its_service(image):
    name, venv, _workdir = image
    site = next((venv / "lib").glob("python3.11/site-packages"))
    installed = {p.name for p in site.iterdir() if p.is_dir()}
    assert {name, "portalkit"} <= installed
    assert not ({"articles", "counter", "weather", "web"} - {name}) & installed
    assert not {"pytest", "ruff", "playwright"} & installed
    # Installed as packages, not as links back to the source tree.
    assert not list(site.glob("*portal*.pth"))


def test_every_process_of_the_image_has_its_program(image, processes):
    name, venv, workdir = image
    python = str(venv / "bin" / "python")
    for process, line in processes.items():
        if process.split("-")[0] != name:
            continue
        program, *rest = shlex.split(line)
        assert (venv / "bin" / program).exists(), f"{process}: no {program} in the image"
        if program == "python" and rest[0] == "-m":
            found = run(
                [python, "-c", f"import importlib.util as u; assert u.find_spec({rest[1]!r})"],
                env={"PATH": str(venv / "bin")},
                cwd=workdir,
            )
            assert found.returncode == 0, f"{process}: {found.stderr[-2000:]}"


def test_the_default_command_serves_from_the_installed_packages(image, redis_url):
    name, venv, workdir = image
    port = free_port()
    env = runtime_env(venv, workdir, redis_url, port, name)
    python = str(venv / "bin" / "python")
    jobs = {"articles": ("migrate", "seed"), "newsroom": ("newsroom-migrate",)}
    if name in jobs:  # the migrate (and seed) jobs of the same image come first
        for job in compose_jobs(jobs[name]):
            done = run(["/bin/sh", str(ENTRYPOINT), job], env=env, cwd=workdir)
            assert done.returncode == 0, done.stderr[-3000:]
    (command,) = __import__("json").loads(dict(instructions(name))["CMD"])
    server = Process(["/bin/sh", str(ENTRYPOINT), command], env=env, name=f"image-{name}")
    server.proc = subprocess.Popen(
        server.args,
        env=env,
        cwd=workdir,
        stdout=server.log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def healthy() -> bool:
            if not server.alive():
                pytest.fail(f"{name} exited:\n{server.output()[-3000:]}")
            return run([python, str(PROBE), "http", str(port)], env, workdir).returncode == 0

        wait_until(healthy, timeout=90, interval=0.5)
        base = f"http://127.0.0.1:{port}"
        if name == "web":
            # Templates and static files come from the installed package.
            assert requests.get(base + "/static/css/portal.css", timeout=10).status_code == 200
            page = requests.get(base + "/", timeout=30)
            assert page.status_code in {200, 503}
            assert page.headers["Content-Type"].startswith("text/html")
            assert "<html" in page.text
        elif name == "newsroom":
            # Templates, static files and migrations come from the installed package.
            assert requests.get(base + "/static/css/newsroom.css", timeout=10).status_code == 200
            page = requests.get(base + "/login", timeout=30)
            assert page.status_code == 200
            assert 'name="csrf_token"' in page.text
        else:
            assert requests.get(base + "/openapi.json", timeout=10).status_code == 200
        metrics = requests.get(base + "/metrics", timeout=10)
        assert metrics.status_code == 200
        assert "http_requests_total" in metrics.text
        if name == "articles":  # migrations and sample content were packaged
            listing = requests.get(base + "/v1/articles", timeout=10).json()
            assert listing["total"] > 0
        if name == "counter":  # its Lua scripts were packaged
            counted = requests.post(base + "/v1/views", json={"article_id": 1}, timeout=10)
            assert counted.status_code == 200, counted.text
        if name == "weather":
            assert requests.get(base + "/v1/locations", timeout=10).status_code == 200
    finally:
        server.stop()
