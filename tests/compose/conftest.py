"""Fixtures for the production shape: the parsed Compose file and the Procfile."""

from __future__ import annotations

import pytest
import yaml

from support.servers import ROOT
from support.stack import procfile


@pytest.fixture(scope="session")
def compose() -> dict:
    """docker-compose.yml as Compose reads it (YAML merge keys resolved, no interpolation)."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="session")
def services(compose) -> dict[str, dict]:
    return compose["services"]


@pytest.fixture(scope="session")
def processes() -> dict[str, str]:
    return procfile()
