"""Fixtures every suite shares: a real, test-owned Redis server; and how the suite is
shared between pytest-xdist's workers (``make test`` runs two)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

from portalkit.ports import SLICE_SETTING
from support.servers import RedisServer

# Under CI a missing dependency fails its test, and any skip fails the run.
pytest_plugins = ("support.ci",)


@pytest.fixture(scope="session")
def redis_server():
    """One redis-server for the session, owned by the tests (the developer's is left alone)."""
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def redis_url(redis_server) -> str:
    """The URL of an empty Redis database."""
    client = redis.Redis(port=redis_server.port)
    client.flushall()
    client.close()
    return redis_server.url


@pytest.fixture
def redis_client(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


TESTS = Path(__file__).parent
ONE_WORKER_FOLDERS = frozenset({"containers"})
"""Folders whose files share one thing that exists once on the machine (the Compose
stack's project) and run in file order: all of each goes to one worker."""


def pytest_configure(config):
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in a worker
    if worker:
        # Each worker, and every server it starts, picks ports from its own share.
        count = os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")
        os.environ[SLICE_SETTING] = f"{worker.removeprefix('gw')}/{count}"


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (``make test``), with every folder of ``ONE_WORKER_FOLDERS``
    one unit: a file's tests, or such a folder's, run on one worker in their order, and
    its module and session fixtures are set up once."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByFileOrFolder(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            parts = path.split("/")
            if len(parts) > 2 and parts[0] == TESTS.name and parts[1] in ONE_WORKER_FOLDERS:
                return "/".join(parts[:2])
            return path

    return ByFileOrFolder(config, log)
