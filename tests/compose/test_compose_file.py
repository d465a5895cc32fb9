"""docker-compose.yml: valid Compose, and what the Compose schema cannot check.

There is no Docker engine where the tests run, so the file is checked as data: against
the Compose specification's JSON schema, then for the rules of the production shape
(docs/architecture.md, "Running"): every process of the Procfile runs the same command line in
Compose, every long-running service has a healthcheck, only the gateway publishes a port,
nothing pins a container name, data services stay on the internal network.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.servers import ROOT

# Compose replaces $VAR / ${VAR...} itself; `$$` is a literal dollar for the container.
INTERPOLATION = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}|(?P<bare>[A-Za-z_]\w*))"
)
JOBS = {"migrate", "seed", "newsroom-migrate"}


def unescape(value: str) -> str:
    """A command as the container receives it: Compose turns `$$` into `$`."""
    return value.replace("$$", "$")


def interpolated(value: str) -> list[str]:
    """The variables Compose itself would fill in within ``value``."""
    return [m["braced"] or m["bare"] for m in INTERPOLATION.finditer(value.replace("$$", ""))]


def depends_on(service: dict) -> dict[str, dict]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def strings(node: object):
    """Every string value of the parsed file (what Compose interpolates; comments are not)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def long_running(services: dict[str, dict]) -> list[str]:
    return [name for name, svc in services.items() if name not in JOBS]


def test_the_file_is_valid_against_the_compose_specification():
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_procfile_process_is_a_service_running_the_same_command_line(services, processes):
    assert processes, "the Procfile names no process"
    for name, line in processes.items():
        assert name in services, f"Procfile process {name!r} has no Compose service"
        command = services[name].get("command")
        # One string: the images' entry point runs it through sh, like a Procfile line.
        assert isinstance(command, list) and len(command) == 1, (name, command)
        assert interpolated(command[0]) == [], f"{name}: Compose would expand {command[0]!r}"
        assert unescape(command[0]) == line, name


def test_the_jobs_run_the_migrations_and_the_sample_content(services):
    assert services["migrate"]["command"] == ["python -m articles.manage upgrade"]
    assert services["seed"]["command"] == ["python -m articles.manage seed --if-empty"]
    assert services["seed"]["profiles"] == ["seed"]
    assert "profiles" not in services["migrate"]
    assert services["newsroom-migrate"]["command"] == ["python -m newsroom.manage upgrade"]
    for job in JOBS:
        owner = "newsroom" if job.startswith("newsroom") else "articles"
        assert services[job]["restart"] == "no"
        assert services[job]["image"] == services[owner]["image"]


def test_the_newsroom_waits_for_its_migrations_and_sits_behind_the_gateway(services):
    assert depends_on(services["newsroom"])["newsroom-migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["gateway"]["environment"]["GATEWAY_NEWSROOM_UPSTREAM"] == "newsroom:8004"
    assert services["newsroom"]["healthcheck"]["test"] == [
        "CMD",
        "portal-healthcheck",
        "http",
        "8004",
    ]
    assert services["newsroom"]["environment"]["NEWSROOM_DATABASE_URL"].startswith("postgresql")


def test_articles_processes_wait_for_the_migrations_to_complete(services):
    for name in ("articles", "articles-relay", "seed"):
        assert depends_on(services[name])["migrate"] == {
            "condition": "service_completed_successfully"
        }, name


def test_every_depends_on_target_exists(services):
    for name, service in services.items():
        for target, rule in depends_on(service).items():
            assert target in services, f"{name} depends on unknown service {target!r}"
            assert rule.get("condition") in {
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            }
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits on {target}'s health"


def test_every_long_running_service_has_a_healthcheck(services):
    for name in long_running(services):
        check = services[name].get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), name
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
        for key in ("interval", "timeout", "retries"):
            assert key in check, f"{name}: healthcheck without {key}"


def test_only_the_gateway_publishes_a_port(services):
    # Monitoring publishes Grafana on the host's loopback only (see test_monitoring).
    published = {
        name
        for name, svc in services.items()
        if svc.get("ports") and "monitoring" not in svc.get("profiles", [])
    }
    assert published == {"gateway"}
    http, https = services["gateway"]["ports"]
    assert unescape(http).endswith(":8080")
    assert interpolated(http) == ["GATEWAY_HOST_PORT"]
    assert unescape(https).endswith(":8443")
    assert interpolated(https) == ["GATEWAY_HOST_TLS_PORT"]


def test_no_service_has_a_fixed_container_name_or_host_network(services):
    for name, service in services.items():
        assert "container_name" not in service, name
        assert service.get("network_mode") is None, name
        assert "hostname" not in service, name


def test_redis_and_postgres_live_on_the_internal_network_only(compose, services):
    assert compose["networks"]["back"]["internal"] is True
    assert not compose["networks"]["front"].get("internal")
    for name in ("redis", "postgres"):
        assert services[name]["networks"] == ["back"], name
    assert services["gateway"]["networks"] == ["front"]
    for name in ("articles", "counter", "weather", "web", "newsroom"):
        assert set(services[name]["networks"]) == {"front", "back"}, name


def test_redis_is_durable_and_needs_a_password(compose, services):
    redis = services["redis"]
    command = " ".join(redis["command"])
    assert '--requirepass "$$(cat /run/secrets/redis_password)"' in command
    assert redis["secrets"] == ["redis_password"]
    assert "redis-data:/data" in redis["volumes"]
    config = (ROOT / compose["configs"]["redis-conf"]["file"]).read_text().splitlines()
    assert "appendonly yes" in config
    assert "appendfsync everysec" in config
    assert "maxmemory-policy noeviction" in config
    environment = services["articles"]["environment"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["REDIS_PASSWORD_FILE"] == "/run/secrets/redis_password"


def test_postgres_keeps_its_data_and_is_checked_with_pg_isready(services):
    postgres = services["postgres"]
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    for name in ("migrate", "articles", "articles-relay"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_portal_processes_run_on_a_read_only_root_with_a_scratch_tmp(services, processes):
    for name in [*processes, *JOBS]:
        service = services[name]
        assert service["read_only"] is True, name
        assert service["tmpfs"] == ["/tmp"], name
        assert service["init"] is True, name
        assert service["environment"]["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/"), name


def test_every_service_can_run_on_a_swarm(services):
    for name in long_running(services):
        deploy = services[name].get("deploy") or {}
        assert deploy.get("replicas", 0) >= 1, name
        assert deploy.get("resources", {}).get("limits", {}).get("memory"), name
        assert deploy.get("restart_policy", {}).get("condition") == "any", name
    for name in ("articles", "counter", "weather", "web"):
        assert services[name]["deploy"]["replicas"] >= 2, name


def test_processes_of_one_service_share_its_image_and_its_build(services, processes):
    for name in processes:
        owner = name.split("-")[0]
        assert services[name]["image"] == services[owner]["image"], name
        assert services[name]["build"] == services[owner]["build"], name
        assert services[name]["build"]["args"]["SERVICE"] == owner


def test_settings_come_from_the_env_file_and_the_example_lists_them(compose, services):
    example = (ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert {"POSTGRES_USER", "POSTGRES_DB", "PORTAL_SECRETS_DIR"} <= defined
    used = {name for value in strings(compose) for name in interpolated(value)}
    for variable in used:
        assert variable in defined, (
            f"docker-compose.yml uses ${{{variable}}}; .env.example lacks it"
        )
    for name, service in services.items():
        if service["image"].startswith("${PORTAL_REGISTRY"):
            assert service["env_file"] == [".env"], name


@pytest.mark.parametrize("name", ["articles", "counter", "weather", "web"])
def test_the_gateway_reaches_each_http_service_by_its_compose_name(services, name):
    ports = {"articles": 8001, "counter": 8002, "weather": 8003, "web": 8000}
    env = services["gateway"]["environment"]
    assert env[f"GATEWAY_{name.upper()}_UPSTREAM"] == f"{name}:{ports[name]}"
    healthcheck = services[name]["healthcheck"]["test"]
    assert healthcheck == ["CMD", "portal-healthcheck", "http", str(ports[name])]


def test_every_image_can_be_swapped_and_defaults_to_the_official_one(services):
    official = {
        "redis": ("REDIS_IMAGE", "redis:7"),
        "postgres": ("POSTGRES_IMAGE", "postgres:16"),
        "gateway": ("NGINX_IMAGE", "nginxinc/nginx-unprivileged:"),
    }
    for name, (variable, default) in official.items():
        image = services[name]["image"]
        assert image.startswith(f"${{{variable}:-{default}"), image
        assert interpolated(image) == [variable]


def test_the_gateway_resolves_through_its_own_first_name_server(services, compose):
    script = ROOT / compose["configs"]["gateway-resolver"]["file"]
    mounted = {c["source"]: c["target"] for c in services["gateway"]["configs"]}
    assert mounted["gateway-resolver"].startswith("/docker-entrypoint.d/")
    assert mounted["gateway-resolver"].endswith(".envsh")
    assert script.stat().st_mode & 0o111, "the nginx entry point sources executable scripts only"
    assert "GATEWAY_RESOLVER" not in services["gateway"]["environment"]

    def resolver(**env: str) -> str:
        return subprocess.run(
            ["/bin/sh", "-c", f'. "{script}" && printf %s "$GATEWAY_RESOLVER"'],
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    servers = [
        line.split()[1]
        for line in Path("/etc/resolv.conf").read_text().splitlines()
        if line.startswith("nameserver")
    ]
    assert resolver() == servers[0].join("[]" if ":" in servers[0] else ["", ""])
    assert resolver(GATEWAY_RESOLVER="10.0.0.2") == "10.0.0.2"


def test_no_healthcheck_relies_on_a_hostname_variable(services):
    # Docker sets HOSTNAME in a container's environment, podman does not: a check that
    # names its Celery node by $HOSTNAME never passes there (tests/containers saw it).
    for name, service in services.items():
        test = " ".join((service.get("healthcheck") or {}).get("test") or [])
        assert "HOSTNAME" not in test, name
