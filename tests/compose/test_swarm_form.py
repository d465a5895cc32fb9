"""The Swarm form of docker-compose.yml (deploy/swarm.py), loaded by real loaders.

`docker stack config` loads and interpolates a stack file exactly as `docker stack
deploy` does, without a Docker engine; Debian's docker-compose loads the same v3-style
form without one too. Neither needs an engine, so both run wherever the suite runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.ci import missing
from support.servers import ROOT


def swarm_file() -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "swarm.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_the_swarm_form_drops_only_what_the_swarm_loader_rejects(compose):
    swarm = yaml.safe_load(swarm_file())
    assert "name" not in swarm
    assert not [key for key in swarm if key.startswith("x-")]
    opt_in = {name for name, service in compose["services"].items() if service.get("profiles")}
    assert {"seed", "backup"} <= opt_in
    assert set(swarm["services"]) == set(compose["services"]) - opt_in
    for name, service in swarm["services"].items():
        original = {
            k: v
            for k, v in compose["services"][name].items()
            if k not in ("depends_on", "profiles")
        }
        assert service == original, name
    for key in ("networks", "volumes", "configs", "secrets"):
        assert swarm[key] == compose[key]


@pytest.fixture
def stack_dir(tmp_path) -> tuple[Path, dict[str, str]]:
    """A folder to load the stack from (.env, the config files) and the shell's environment."""
    # Relative paths (.env, the config files) resolve from the working directory.
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "deploy").symlink_to(ROOT / "deploy")
    subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "make_secrets.py"), str(tmp_path / "secrets")],
        check=True,
        capture_output=True,
    )
    (tmp_path / "docker-compose.yml").write_text(swarm_file())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "COMPOSE_"))}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key] = value
    return tmp_path, env


def loaded(command: list[str], folder: Path, env: dict[str, str]) -> dict:
    """What a loader makes of the stack file in ``folder`` (it must accept it)."""
    result = subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def assert_runs_the_procfile_lines(
    stack: dict, env: dict[str, str], processes, escaped: bool = False
) -> None:
    """``escaped``: the loader writes its output as a Compose file again, `$` as `$$`."""
    services = stack["services"]
    for name, line in processes.items():
        # After the loader's interpolation the container gets the Procfile line.
        command = services[name]["command"]
        if escaped:
            command = [word.replace("$$", "$") for word in command]
        assert command == [line], name
        assert services[name]["deploy"]["restart_policy"]["condition"] == "any"
    assert services["gateway"]["ports"][0]["published"] in (8080, "8080")
    assert stack["networks"]["back"]["internal"] is True
    assert services["articles"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["web"]["secrets"][0]["source"] in stack["secrets"]


def test_the_compose_loader_accepts_it_without_an_engine(stack_dir, processes):
    """Debian's docker-compose (installed by .ci/run) loads v3-style files as Swarm does."""
    folder, env = stack_dir
    stack = loaded(["docker-compose", "--project-name", "portal", "config"], folder, env)
    assert_runs_the_procfile_lines(stack, env, processes, escaped=True)
    assert set(stack["configs"]) == set(yaml.safe_load(swarm_file())["configs"])


def test_docker_stack_config_accepts_it_and_runs_the_procfile_lines(stack_dir, processes):
    """`docker stack config` loads the file exactly as `docker stack deploy` does."""
    docker = shutil.which("docker")
    if not docker:
        missing("the docker CLI is not installed (no engine is needed, only the CLI)")
    folder, env = stack_dir
    env["DOCKER_CONFIG"] = str(folder / "docker-config")
    stack = loaded([docker, "stack", "config", "-c", "docker-compose.yml"], folder, env)
    assert_runs_the_procfile_lines(stack, env, processes)
