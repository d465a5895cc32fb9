"""``make run`` with a REDIS_URL it cannot use stops at once and says so.

The embedded Redis is only for when REDIS_URL is not set: a configured Redis that does
not answer is a mistake to report, not one to paper over with an empty database.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def make_run(redis_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDIS_URL": redis_url}
    return subprocess.run(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a safety net for a hang, not a speed requirement
        check=False,
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("redis_url", "reason"),
    [
        ("notaurl", "not a Redis URL"),
        (f"redis://127.0.0.1:{closed_port()}/0", "no Redis answers there"),
    ],
    ids=["not-a-url", "unreachable"],
)
def test_make_run_stops_with_one_line_naming_redis_url(redis_url, reason):
    result = make_run(redis_url)

    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "REDIS_URL" in line]
    assert len(lines) == 1, result.stderr
    assert f"REDIS_URL={redis_url}" in lines[0]
    assert reason in lines[0]
    assert "embedded" not in result.stdout
