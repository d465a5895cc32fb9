"""The scripts every image carries: the entry point and the healthcheck probe."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from support.servers import ROOT

ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
PROBE = ROOT / "deploy" / "docker" / "healthcheck.py"


def entrypoint(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/sh", str(ENTRYPOINT), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def probe(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROBE), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_one_string_command_runs_as_a_procfile_line():
    result = entrypoint(
        'echo ${BIND_HOST:-127.0.0.1}:${ARTICLES_PORT:-8001} "articles.app:create_app()"',
        BIND_HOST="0.0.0.0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0.0.0.0:8001 articles.app:create_app()\n"


def test_the_command_replaces_the_shell_so_it_receives_signals_itself():
    proc = subprocess.Popen(
        ["/bin/sh", str(ENTRYPOINT), f'{sys.executable} -c "import os; print(os.getpid())"'],
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = proc.communicate(timeout=30)
    assert int(out) == proc.pid


def test_several_words_run_as_they_are_without_a_shell():
    result = entrypoint("echo", "${NOT_EXPANDED}", "a b")
    assert result.stdout == "${NOT_EXPANDED} a b\n"


def test_the_entry_point_prepares_the_metrics_folder(tmp_path):
    folder = tmp_path / "prometheus"
    result = entrypoint("true", PROMETHEUS_MULTIPROC_DIR=str(folder))
    assert result.returncode == 0
    assert folder.is_dir()


@pytest.mark.parametrize(("status", "code"), [(200, 0), (503, 1)])
def test_the_http_probe_asks_healthz(httpserver, status, code):
    httpserver.expect_request("/healthz").respond_with_data("ok", status=status)
    result = probe("http", str(httpserver.port))
    assert result.returncode == code, result.stderr


def test_the_http_probe_fails_when_nothing_listens():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = probe("http", str(port))
    assert result.returncode == 1
    assert "unhealthy" in result.stderr


def test_the_redis_probes(redis_url, redis_client):
    assert probe("redis", REDIS_URL=redis_url).returncode == 0
    assert probe("redis", REDIS_URL="redis://127.0.0.1:1/0").returncode == 1
    assert probe("redis-key", "weather:redbeat::lock", REDIS_URL=redis_url).returncode == 1
    redis_client.set("weather:redbeat::lock", "beat-1")
    assert probe("redis-key", "weather:redbeat::lock", REDIS_URL=redis_url).returncode == 0


def test_the_consumer_probe_needs_the_group_on_every_stream(redis_url, redis_client):
    redis_client.xgroup_create("events:articles", "web", id="$", mkstream=True)
    result = probe("consumer", "web", "events:articles", "events:weather", REDIS_URL=redis_url)
    assert result.returncode == 1
    assert "events:weather" in result.stderr


def test_a_quiet_stream_is_healthy_when_the_group_is_caught_up(redis_url, redis_client):
    for stream in ("events:articles", "events:weather"):
        redis_client.xgroup_create(stream, "web", id="$", mkstream=True)
    args = ("consumer", "web", "events:articles", "events:weather")
    assert probe(*args, REDIS_URL=redis_url).returncode == 0

    redis_client.xadd("events:weather", {"type": "weather.updated"})
    behind = probe(*args, REDIS_URL=redis_url)
    assert behind.returncode == 1
    assert "events:weather/web is behind" in behind.stderr


def test_a_busy_stream_is_healthy_while_this_hosts_consumer_reads(redis_url, redis_client):
    redis_client.xgroup_create("events:articles", "counter", id="$", mkstream=True)
    redis_client.xadd("events:articles", {"type": "article.published"})
    redis_client.xadd("events:articles", {"type": "article.published"})
    redis_client.xreadgroup("counter", f"{socket.gethostname()}-7", {"events:articles": ">"}, 1)
    args = ("consumer", "counter", "events:articles")
    assert probe(*args, REDIS_URL=redis_url).returncode == 0
    stuck = probe(*args, REDIS_URL=redis_url, HEALTHCHECK_CONSUMER_MAX_IDLE_MS="-1")
    assert stuck.returncode == 1
    assert "idle" in stuck.stderr


def test_another_hosts_consumer_does_not_make_this_one_healthy(redis_url, redis_client):
    redis_client.xgroup_create("events:articles", "counter", id="$", mkstream=True)
    redis_client.xadd("events:articles", {"type": "article.published"})
    redis_client.xadd("events:articles", {"type": "article.published"})
    redis_client.xreadgroup("counter", "some-other-container-1", {"events:articles": ">"}, 1)
    result = probe("consumer", "counter", "events:articles", REDIS_URL=redis_url)
    assert result.returncode == 1
