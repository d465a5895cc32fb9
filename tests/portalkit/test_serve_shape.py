"""A service may ask for its own workers and threads; the environment's settings still win."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from portalkit.config import ConfigError
from portalkit.serve import ServerSettings, service_shape
from support.servers import free_port, python_process, wait_http

PROBE = """
HTTP_SERVER_SHAPE = {"workers": 3, "threads": 2}


def create_app():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return app
"""


def write_module(folder: Path, name: str, shape: str) -> None:
    (folder / f"{name}.py").write_text(f"HTTP_SERVER_SHAPE = {shape}\n")


def test_a_package_names_its_shape_and_the_defaults_give_way(tmp_path, monkeypatch):
    package = tmp_path / "shaped_service"
    (package / "api").mkdir(parents=True)
    (package / "__init__.py").write_text('HTTP_SERVER_SHAPE = {"workers": 3, "threads": 2}\n')
    (package / "api" / "__init__.py").write_text("raise RuntimeError('the app is not imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    shape = service_shape("shaped_service.api.app:create_app()")

    assert shape == {"workers": 3, "threads": 2}
    settings = ServerSettings.from_env({}, shape)
    assert (settings.workers, settings.threads) == (3, 2)


def test_a_setting_of_the_environment_wins_over_the_shape():
    shape = {"workers": 3, "threads": 2}
    settings = ServerSettings.from_env({"WEB_CONCURRENCY": "5", "HTTP_THREADS": ""}, shape)
    assert (settings.workers, settings.threads) == (5, 2)
    settings = ServerSettings.from_env({"HTTP_THREADS": "8"}, {"workers": 4})
    assert (settings.workers, settings.threads) == (4, 8)


def test_without_a_shape_the_defaults_hold(tmp_path, monkeypatch):
    (tmp_path / "plain_service.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert service_shape("plain_service:create_app()") == {}
    settings = ServerSettings.from_env({}, {})
    assert (settings.workers, settings.threads) == (ServerSettings.workers, ServerSettings.threads)


def test_the_counter_is_served_by_more_workers_of_fewer_threads_than_the_others():
    counter = ServerSettings.from_env({}, service_shape("counter.app:create_app()"))
    articles = ServerSettings.from_env({}, service_shape("articles.app:create_app()"))
    assert counter.workers > articles.workers
    assert counter.threads < articles.threads


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        ('{"workers": 0}', "workers must be a whole number"),
        ('{"threads": "4"}', "threads must be a whole number"),
        ('{"workers": True}', "workers must be a whole number"),
        ('{"processes": 2}', "unknown 'processes'"),
        ("[3, 3]", "expected a mapping"),
    ],
)
def test_a_bad_shape_stops_the_server_with_its_name(tmp_path, monkeypatch, shape, reason):
    name = f"bad_shape_{abs(hash(shape))}"
    write_module(tmp_path, name, shape)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigError) as caught:
        service_shape(f"{name}:create_app()")
    assert f"{name}.HTTP_SERVER_SHAPE" in str(caught.value)
    assert reason in str(caught.value)


def test_a_target_that_cannot_be_imported_is_a_configuration_error():
    with pytest.raises(ConfigError, match="cannot import no_such_service"):
        service_shape("no_such_service.app:create_app()")


def workers_of(pid: int) -> int:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return len(children.read_text().split()) if children.exists() else 0


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
@pytest.mark.parametrize(("setting", "expected"), [("", 3), ("1", 1)])
def test_the_server_starts_the_workers_its_app_asks_for(tmp_path, server, setting, expected):
    (tmp_path / "shape_probe.py").write_text(PROBE)
    port = free_port()
    process = python_process(
        ["-m", "portalkit.serve", "-b", f"127.0.0.1:{port}", "shape_probe:create_app()"],
        env={
            "HTTP_SERVER": server,
            "WEB_CONCURRENCY": setting,
            "HTTP_THREADS": "",
            "PYTHONPATH": str(tmp_path),
        },
        name=f"shape-{server}",
    ).start()
    try:
        try:
            wait_http(f"http://127.0.0.1:{port}/", timeout=60)
        except AssertionError as exc:
            raise AssertionError(process.output()[-3000:]) from exc
        deadline = time.monotonic() + 30
        while workers_of(process.proc.pid) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # none more than asked for comes later
        started = workers_of(process.proc.pid)
    finally:
        process.stop()
    assert started == expected, process.output()[-2000:]
