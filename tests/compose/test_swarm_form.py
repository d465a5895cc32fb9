"""The Swarm form of docker-compose.yml (deploy/swarm.py), checked by the docker CLI itself.

`docker stack config` loads and interpolates a stack file exactly as `docker stack
deploy` does, without a Docker engine, so where the docker CLI is installed the test
proves the Swarm path for real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml

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
    assert set(swarm["services"]) == set(compose["services"]) - {"seed"}
    for name, service in swarm["services"].items():
        original = {
            k: v
            for k, v in compose["services"][name].items()
            if k not in ("depends_on", "profiles")
        }
        assert service == original, name
    for key in ("networks", "volumes", "configs"):
        assert swarm[key] == compose[key]


def test_docker_stack_config_accepts_it_and_runs_the_procfile_lines(tmp_path, processes):
    docker = shutil.which("docker")
    if not docker:
        pytest.skip("the docker CLI is not installed (no engine is needed, only the CLI)")
    # Relative paths (.env, the config files) resolve from the working directory.
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "deploy").symlink_to(ROOT / "deploy")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key] = value
    env["DOCKER_CONFIG"] = str(tmp_path / "docker-config")
    result = subprocess.run(
        [docker, "stack", "config", "-c", "-"],
        input=swarm_file(),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    stack = yaml.safe_load(result.stdout)
    services = stack["services"]
    for name, line in processes.items():
        # After the Swarm loader's interpolation the container gets the Procfile line.
        assert services[name]["command"] == [line], name
        assert services[name]["deploy"]["restart_policy"]["condition"] == "any"
    assert services["gateway"]["ports"][0]["published"] in (8080, "8080")
    assert stack["networks"]["back"]["internal"] is True
    redis_url = services["articles"]["environment"]["REDIS_URL"]
    assert redis_url == f"redis://:{env['REDIS_PASSWORD']}@redis:6379/0"
