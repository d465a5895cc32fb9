"""Under CI nothing may skip: a run that skips fails, however ``CI`` is spelled."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support.servers import ROOT

A_SKIP_AND_A_PASS = """
import pytest

def test_passes():
    assert True

def test_needs_what_is_missing():
    pytest.skip("the dependency is not installed")
"""

ONLY_PASSES = "def test_passes():\n    assert True\n"


def run_pytest(tmp_path, source: str, ci: str | None) -> subprocess.CompletedProcess:
    """pytest in a child process on one test file, with this suite's CI plugin loaded."""
    (tmp_path / "test_sample.py").write_text(source)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(ROOT / "tests")
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the installed plugins are not under test
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "support.ci", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("ci", ["true", "True", "1"])
def test_a_skip_fails_the_run_under_ci(tmp_path, ci):
    result = run_pytest(tmp_path, A_SKIP_AND_A_PASS, ci)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "1 skipped under CI: the run fails" in result.stdout
    assert "test_needs_what_is_missing" in result.stdout


@pytest.mark.parametrize("ci", ["true", "True", "1"])
def test_a_run_without_skips_passes_under_ci(tmp_path, ci):
    result = run_pytest(tmp_path, ONLY_PASSES, ci)
    assert result.returncode == pytest.ExitCode.OK, result.stdout


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_outside_ci_a_skip_is_only_reported(tmp_path, ci):
    result = run_pytest(tmp_path, A_SKIP_AND_A_PASS, ci)
    assert result.returncode == pytest.ExitCode.OK, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
