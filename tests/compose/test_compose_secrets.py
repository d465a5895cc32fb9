"""Secrets in docker-compose.yml: each container gets the secrets its code reads, no more.

What a process reads is found by running its settings loader against a recording
environment, so a setting added to a service's settings module is known here at once.
A container may receive a secret only as a file (``NAME_FILE`` naming
``/run/secrets/<secret>``, the secret listed for the service) and only for a ``NAME``
its code reads; no secret travels in ``.env``, which reaches every portal container.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

import pytest

from support.servers import ROOT

DEFAULTED = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")
SECRET_NAME = re.compile(r"(^|_)(TOKENS?|SECRET|PASSWORD|KEY)(_|$)")
# The images we do not build: what each one's own entry point reads.
THIRD_PARTY = {"redis": {"redis_password"}, "postgres": {"postgres_password"}, "gateway": set()}


class RecordingEnvironment(Mapping[str, str]):
    """An empty environment that remembers every name looked up in it."""

    def __init__(self) -> None:
        self.read: set[str] = set()

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        self.read.add(key)
        return default

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def settings_loader(service: dict):
    """The settings class of the package a portal image is built for (the backup image
    runs portalkit's backup command)."""
    package = service["build"]["args"]["SERVICE"]
    if service["build"].get("target") == "backup":
        package = "portalkit.backup"
    return importlib.import_module(f"{package}.settings").Settings.from_env


def names_read(service: dict) -> set[str]:
    environment = RecordingEnvironment()
    settings_loader(service)(environment)
    return environment.read


def portal_services(services: dict) -> dict[str, dict]:
    return {name: svc for name, svc in services.items() if "build" in svc}


def environment(service: dict) -> dict[str, str]:
    return {k: str(v) for k, v in (service.get("environment") or {}).items()}


def secret_files(service: dict) -> dict[str, str]:
    """``NAME`` -> the secret its ``NAME_FILE`` names, for a service's environment."""
    files = {}
    for key, value in environment(service).items():
        if key.endswith("_FILE") and value.startswith("/run/secrets/"):
            files[key.removesuffix("_FILE")] = value.removeprefix("/run/secrets/")
    return files


def received(service: dict) -> set[str]:
    return {s if isinstance(s, str) else s["source"] for s in service.get("secrets", [])}


def test_the_recording_finds_what_the_settings_modules_read(services):
    read = names_read(services["counter"])
    assert {"REDIS_URL", "REDIS_PASSWORD_FILE", "API_TOKENS", "COUNTER_SALT_SECRET"} <= read
    assert "API_TOKENS" not in names_read(services["web"])
    assert "POSTGRES_PASSWORD" in names_read(services["articles"])


@pytest.mark.parametrize(
    "name", ["articles", "counter", "weather", "web", "newsroom", "migrate", "backup"]
)
def test_every_secret_a_container_gets_is_one_its_code_reads(services, name):
    service = services[name]
    read = names_read(service)
    files = secret_files(service)
    unread = sorted(setting for setting in files if setting not in read)
    assert not unread, f"{name} is given secrets its code never reads: {unread}"
    assert received(service) == set(files.values()), (
        f"{name}: mounted secrets and the NAME_FILE settings naming them differ"
    )


def test_no_container_receives_a_secret_it_does_not_read(services):
    for name, service in portal_services(services).items():
        read = names_read(service)
        files = secret_files(service)
        assert set(files) <= read, (name, sorted(set(files) - read))
        assert received(service) == set(files.values()), name
        plain = [key for key in environment(service) if not key.endswith("_FILE")]
        inline = [key for key in plain if SECRET_NAME.search(key)]
        assert not inline, f"{name} gets secrets as plain variables: {inline}"
    for name, expected in THIRD_PARTY.items():
        assert received(services[name]) == expected, name


def test_the_web_gets_no_database_password_and_no_api_token(services):
    for name in ("web", "web-consumer"):
        assert not received(services[name]) & {"postgres_password", "api_tokens"}, name
        assert "DATABASE_URL" not in environment(services[name])
    # Its own token (reading drafts for previews), not the list of every token.
    assert received(services["web"]) == {
        "redis_password",
        "web_secret_key",
        "preview_secret",
        "web_api_token",
    }


def test_the_web_and_the_newsroom_share_the_preview_secret(services):
    for name in ("web", "newsroom"):
        assert secret_files(services[name])["PREVIEW_SECRET"] == "preview_secret", name
    assert secret_files(services["web"])["WEB_API_TOKEN"] == "web_api_token"


def test_only_the_apis_that_check_tokens_get_them(services):
    given = {name for name, svc in services.items() if "api_tokens" in received(svc)}
    # The seed job uploads its photos through the API with the first token.
    assert given == {"articles", "counter", "weather", "seed"}


def test_no_url_setting_carries_a_password(services):
    for name, service in services.items():
        for key, value in environment(service).items():
            if key.endswith("_URL") and "://" in value:
                filled = DEFAULTED.sub(r"\1", value)  # ${NAME:-default} -> default
                assert urlsplit(filled).password is None, (name, key)


def test_no_secret_travels_in_the_env_file_every_container_reads():
    example = (ROOT / ".env.example").read_text()
    defined = re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE)
    assert defined, ".env.example defines nothing?"
    secrets = [name for name in defined if SECRET_NAME.search(name)]
    assert not secrets, f".env.example carries secrets every container would get: {secrets}"


def test_every_declared_secret_is_a_file_in_the_secrets_folder(compose, services):
    used = set().union(*(received(svc) for svc in services.values()))
    assert set(compose["secrets"]) == used
    for name, secret in compose["secrets"].items():
        assert secret["file"] == f"${{PORTAL_SECRETS_DIR:-./secrets}}/{name}", name


def test_every_container_drops_every_capability_and_gains_no_privilege(services):
    allowed = {
        "redis": {"CHOWN", "SETGID", "SETUID"},
        "postgres": {"CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"},
    }
    for name, service in services.items():
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
        assert set(service.get("cap_add", [])) == allowed.get(name, set()), name
