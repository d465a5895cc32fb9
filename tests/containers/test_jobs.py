"""The one-shot jobs: the migration ran before the articles processes; the seed profile."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import requests

# The first test to ask for the stack builds and starts it: minutes on a fresh machine.
pytestmark = pytest.mark.timeout(1800)


def moment(stamp: str) -> datetime:
    """A time podman reports (nanoseconds) as a datetime (microseconds)."""
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", stamp))


def test_the_migration_job_completed_before_articles_started(stack):
    (migrate,) = stack.containers("migrate", every=True)
    assert migrate["State"]["Status"] == "exited"
    assert migrate["State"]["ExitCode"] == 0
    finished = moment(migrate["State"]["FinishedAt"])
    for container in stack.containers("articles") + stack.containers("articles-relay"):
        assert moment(container["State"]["StartedAt"]) >= finished, container["Name"]


def test_the_seed_profile_loads_the_sample_content_once(stack):
    listing = stack.url + "/api/articles/v1/articles"
    assert requests.get(listing, timeout=30).json()["total"] == 0
    stack.compose("--profile", "seed", "run", "--rm", "seed")
    seeded = requests.get(listing, timeout=30).json()
    assert seeded["total"] > 0
    assert requests.get(stack.url + "/", timeout=30).status_code == 200
    # --if-empty: a second run leaves the content as it is.
    stack.compose("--profile", "seed", "run", "--rm", "seed")
    assert requests.get(listing, timeout=30).json()["total"] == seeded["total"]
