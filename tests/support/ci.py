"""Whether this run is CI's, and the rule that follows: under CI nothing may skip.

On a developer's machine a test whose dependency is missing (PostgreSQL, Chromium,
nginx) skips; under CI (``CI`` set to true, True, 1, yes) it fails instead, and a run
that skipped anything at all ends with a failing exit status. This module is also a
pytest plugin (``tests/conftest.py`` loads it) that counts the skips from pytest's reports.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

TRUE = frozenset({"1", "true", "yes", "on"})


def under_ci() -> bool:
    """True when the environment's ``CI`` says so, however it is spelled."""
    return os.environ.get("CI", "").strip().lower() in TRUE


def missing(reason: str) -> NoReturn:
    """A dependency the test needs is absent: skip locally, fail under CI."""
    if under_ci():
        pytest.fail(f"{reason}; under CI every test must run", pytrace=False)
    pytest.skip(reason)


class SkipCheck:
    """Under CI: counts what pytest reported as skipped (an xfail is not one); any fails the run."""

    def __init__(self) -> None:
        self.skipped: list[str] = []

    def note(self, report: pytest.TestReport | pytest.CollectReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skipped.append(report.nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.note(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self.note(report)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.skipped and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.skipped:
            terminalreporter.section("skipped under CI", sep="=", red=True, bold=True)
            for nodeid in self.skipped:
                terminalreporter.line(f"SKIPPED {nodeid}")
            terminalreporter.line(f"{len(self.skipped)} skipped under CI: the run fails")


def pytest_configure(config: pytest.Config) -> None:
    if under_ci():
        config.pluginmanager.register(SkipCheck(), "skip-check-under-ci")
