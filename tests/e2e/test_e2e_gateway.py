"""The gateway in front of the real services, and Compose's healthchecks run against them.

The routes and headers are proven against a recording upstream in tests/compose; here
each route reaches the real service behind it, request ids survive the trip both ways,
and every healthcheck that docker-compose.yml declares for a Procfile process passes
against that process while it runs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import requests
import yaml

from support.servers import ROOT, wait_until
from support.stack import HTTP_PROCESSES, procfile

COMPOSE_PORTS = {
    "articles": "8001",
    "counter": "8002",
    "weather": "8003",
    "web": "8000",
    "newsroom": "8004",
}
PROBE = ROOT / "deploy" / "docker" / "healthcheck.py"

ROUTES = [
    # (path through the gateway, what the answer holds)
    ("/api/articles/v1/categories", "items"),
    ("/api/articles/v1/articles?per_page=5", "items"),
    ("/api/articles/openapi.json", "openapi"),
    ("/api/views/v1/top?window=day&limit=3", "items"),
    ("/api/views/v1/views?ids=1,2,3", "counts"),
    ("/api/weather/v1/locations", "items"),
]


@pytest.mark.parametrize(("path", "key"), ROUTES)
def test_each_api_route_reaches_its_service(gateway, path, key):
    reply = requests.get(gateway.url + path, timeout=10)
    assert reply.status_code == 200, reply.text[:300]
    assert reply.headers["Content-Type"].startswith("application/json")
    assert key in reply.json()


def test_the_root_reaches_the_portal_pages(gateway):
    reply = requests.get(gateway.url + "/", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in reply.headers


def test_the_newsroom_answers_under_its_prefix_with_links_that_keep_it(gateway):
    reply = requests.get(gateway.url + "/newsroom/", timeout=10, allow_redirects=False)
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/newsroom/login")

    page = requests.get(gateway.url + "/newsroom/login", timeout=10)
    assert page.status_code == 200
    assert 'action="/newsroom/login"' in page.text
    assert "/newsroom/static/css/newsroom.css" in page.text
    assert "Path=/newsroom" in page.headers["Set-Cookie"]


def test_an_api_error_comes_back_as_the_services_problem_json(gateway):
    reply = requests.get(gateway.url + "/api/articles/v1/articles/987654321", timeout=10)
    assert reply.status_code == 404
    assert reply.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/articles/v1/categories",
        "/api/views/v1/top",
        "/api/weather/v1/locations",
    ],
)
def test_the_request_id_reaches_the_service_and_comes_back(gateway, path):
    sent = "e2e-gateway-" + path.strip("/").replace("/", "-")
    reply = requests.get(gateway.url + path, headers={"X-Request-ID": sent}, timeout=10)
    assert reply.headers["X-Request-ID"] == sent

    made = requests.get(gateway.url + path, timeout=10).headers["X-Request-ID"]
    assert made != sent
    # Made by nginx (it logs the id it passed on), kept and echoed by the service.
    gateway.wait_logged(request_id=made, uri=path)


def compose_healthchecks() -> dict[str, list[str]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {name: compose["services"][name]["healthcheck"]["test"] for name in procfile()}


def run_healthcheck(test: list[str], stack) -> subprocess.CompletedProcess:
    """A Compose healthcheck, run on this machine against the stack's processes."""
    env = {
        **os.environ,
        **stack.env,
        # In a container HOSTNAME is the container's name; worker node names use it.
        "HOSTNAME": socket.gethostname(),
    }
    kind, *words = test
    if kind == "CMD-SHELL":
        (line,) = words
        return subprocess.run(
            line.replace("$$", "$"),
            shell=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert words[0] == "portal-healthcheck", words
    args = words[1:]
    if args[0] == "http":  # Compose's fixed port -> the stack's free port
        name = next(n for n, port in COMPOSE_PORTS.items() if port == args[1])
        args = ["http", str(stack.ports[name])]
    return subprocess.run(
        [sys.executable, str(PROBE), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", sorted(procfile()))
def test_the_compose_healthcheck_passes_against_the_running_process(stack, name):
    test = compose_healthchecks()[name]
    results: list[subprocess.CompletedProcess] = []

    def healthy() -> bool:
        results.append(run_healthcheck(test, stack))
        return results[-1].returncode == 0

    # A consumer's group or beat's lock may still be coming up right after the start.
    try:
        wait_until(healthy, timeout=60, interval=1)
    except AssertionError:
        last = results[-1] if results else None
        pytest.fail(f"{name}: {test} failed: {last and (last.stdout + last.stderr)[-2000:]}")
    if name in HTTP_PROCESSES:
        assert test[-1] == COMPOSE_PORTS[name]
