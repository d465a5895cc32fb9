"""What deploy/podman adds to run the Compose file: the file's form, the health timer.

tests/containers runs them for real; these pin down what each changes, so that the
stack podman runs is the file operators run with Docker Compose.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.ci import missing
from support.servers import ROOT


def load(name: str):
    """A module of deploy/podman (a folder of scripts, not a package)."""
    path = ROOT / "deploy" / "podman" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"podman_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


compose_form = load("compose_form")
healthchecks = load("healthchecks")


@pytest.fixture
def form(compose, tmp_path) -> dict:
    return compose_form.compose_1_form(compose, ROOT, tmp_path / ".env")


def test_the_form_changes_only_name_configs_and_relative_paths(compose, form, tmp_path):
    assert "name" not in form and "configs" not in form
    assert set(form["services"]) == set(compose["services"])
    for name, service in form["services"].items():
        original = compose["services"][name]
        changed = {key for key in service if service[key] != original.get(key)}
        assert changed <= {"volumes", "env_file", "build"}, (name, changed)
        assert "configs" not in service
        if "env_file" in original:
            assert service["env_file"] == [str(tmp_path / ".env")]
        if "build" in original:
            assert service["build"] == {**original["build"], "context": str(ROOT)}


def test_each_file_config_becomes_the_read_only_mount_compose_makes(compose, form):
    for name, service in compose["services"].items():
        for config in service.get("configs", []):
            mount = {
                "type": "bind",
                "source": str((ROOT / compose["configs"][config["source"]]["file"]).resolve()),
                "target": config["target"],
                "read_only": True,
            }
            assert mount in form["services"][name]["volumes"], (name, config)
        for volume in service.get("volumes", []):
            # A relative default folder is made absolute: the form is written elsewhere.
            expected = compose_form.absolute_default(volume, ROOT)
            assert expected in form["services"][name]["volumes"], (name, volume)
    tls = f"${{GATEWAY_TLS_DIR:-{ROOT}/deploy/nginx/tls}}:/etc/nginx/tls:ro"
    assert tls in form["services"]["gateway"]["volumes"]


def test_docker_compose_1_29_accepts_the_form_and_not_the_file(form, tmp_path):
    tool = shutil.which("docker-compose")
    if not tool:
        missing("docker-compose is not installed (.ci/run installs it)")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "form.yml").write_text(yaml.safe_dump(form))

    def config(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [tool, "--project-name", "portal", "--file", str(path), "config", "--quiet"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert config(tmp_path / "form.yml").returncode == 0, config(tmp_path / "form.yml").stderr
    assert config(ROOT / "docker-compose.yml").returncode != 0


def test_checks_run_every_start_interval_until_one_passes_then_every_interval():
    schedule = healthchecks.Schedule(interval=30.0, start_period=60.0, started=100.0)
    schedule.plan(100.0)
    assert schedule.next_run == 100.0 + healthchecks.START_INTERVAL_S
    schedule.passed = True
    schedule.plan(110.0)
    assert schedule.next_run == 140.0
    late = healthchecks.Schedule(interval=30.0, start_period=60.0, started=100.0)
    late.plan(170.0)  # the start period is over: the interval, passed or not
    assert late.next_run == 200.0
