"""``docs/`` is the repository's account of itself: it names what the code reads and sends.

Settings and event types are found in the code (by parsing it), not from a list kept
here, so a new setting or event without documentation fails this file.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from portalkit import events

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SETTINGS_DOC = DOCS / "settings.md"
EVENTS_DOC = DOCS / "events.md"

SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*[A-Z0-9]$")
SHELL_REFERENCE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")
# The system's own variables, which a process reads or sets but we do not define.
SYSTEM_VARIABLES = {"PATH", "HOME", "HOSTNAME"}
# Assembled, so that this file does not itself mention what it looks for.
FORBIDDEN = ("DESIGN" + ".md", ".." + "/shared")


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def settings_modules() -> list[Path]:
    return [
        ROOT / "libs/portalkit/src/portalkit/config.py",
        ROOT / "libs/portalkit/src/portalkit/serve.py",
        *sorted(ROOT.glob("libs/portalkit/src/portalkit/*/settings.py")),
        *sorted(ROOT.glob("services/*/src/*/settings.py")),
    ]


def names_in_settings_module(path: Path) -> set[str]:
    """Names given as the first argument of a call: ``env("NAME", ...)`` and the small
    helpers that wrap it (``seconds("ARTICLE_CACHE_S", 300)``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            name = _string(node.args[0])
            if name and SETTING_NAME.match(name):
                names.add(name)
    return names


def _is_environment(node: ast.AST) -> bool:
    """``os.environ``, ``environ`` or a copy of it named ``env``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ"
    return isinstance(node, ast.Name) and node.id in {"environ", "env"}


def names_read_from_environ(path: Path) -> set[str]:
    """``os.environ.get("NAME")``, ``environ["NAME"]``, ``env.setdefault("NAME", ...)``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"get", "setdefault", "pop"}
            and _is_environment(node.func.value)
            and node.args
        ):
            name = _string(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_environment(node.value):
            name = _string(node.slice)
        if name and SETTING_NAME.match(name):
            names.add(name)
    return names - SYSTEM_VARIABLES


def names_in_compose() -> set[str]:
    """Variables Compose fills in (``${NAME...}``) and those it sets in a container."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    names = set(SHELL_REFERENCE.findall(code))
    for service in yaml.safe_load(text)["services"].values():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.partition("=")[::2] for item in environment)
        names.update(environment)
    return names - SYSTEM_VARIABLES


def documented_settings() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]*)`", SETTINGS_DOC.read_text(encoding="utf-8")))


def test_every_setting_a_service_reads_is_in_settings_md():
    read = {path: names_in_settings_module(path) for path in settings_modules()}
    everything = set().union(*read.values())
    # The parser must keep finding settings, including those read through a helper.
    assert {"REDIS_URL", "DATABASE_URL", "COUNT_WINDOW_S", "ARTICLE_CACHE_S"} <= everything
    documented = documented_settings()
    missing = {
        path.relative_to(ROOT).as_posix(): sorted(names - documented)
        for path, names in read.items()
        if names - documented
    }
    assert not missing, f"settings read but not in docs/settings.md: {missing}"


LAUNCHERS = [
    "deploy/docker/healthcheck.py",
    "scripts/run.py",
]


@pytest.mark.parametrize("source", LAUNCHERS)
def test_every_variable_a_launcher_reads_is_in_settings_md(source):
    names = names_read_from_environ(ROOT / source)
    assert names, f"no environment variable found in {source}; has the parser gone blind?"
    missing = sorted(names - documented_settings())
    assert not missing, f"{source} reads variables docs/settings.md does not name: {missing}"


def test_every_variable_of_the_procfile_and_compose_is_in_settings_md():
    procfile = (ROOT / "Procfile").read_text(encoding="utf-8")
    names = set(SHELL_REFERENCE.findall(procfile)) | names_in_compose()
    assert {"REDIS_PASSWORD_FILE", "WEB_PORT", "GATEWAY_MAX_BODY"} <= names
    # NAME_FILE is documented once for all, in "Secrets from files"; NAME itself must be.
    # Grafana spells its file form NAME__FILE.
    names = {name.removesuffix("_FILE").removesuffix("_") for name in names}
    missing = sorted(names - documented_settings())
    assert not missing, f"variables docs/settings.md does not name: {missing}"


def test_every_event_type_and_its_data_are_in_events_md():
    text = EVENTS_DOC.read_text(encoding="utf-8")
    assert len(events.EVENT_TYPES) >= 5
    envelope = {field.name for field in dataclasses.fields(events.Event)}
    for name, cls in events.EVENT_TYPES.items():
        assert f"`{name}`" in text, f"event type {name} is not in docs/events.md"
        for field in dataclasses.fields(cls):
            if field.name not in envelope:
                assert f"`{field.name}`" in text, f"{name}'s field {field.name} is not documented"
    for stream in (events.ARTICLES_STREAM, events.WEATHER_STREAM, events.DEAD_LETTER_STREAM):
        assert f"`{stream}`" in text


def markdown_files() -> list[Path]:
    return [
        *sorted(DOCS.glob("*.md")),
        *sorted(ROOT.glob("*.md")),
        *sorted(ROOT.glob("services/*/README.md")),
    ]


def heading_anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a file's headings."""
    anchors = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t for t in targets if not re.match(r"^[a-z]+:", t)]


def test_docs_has_its_four_references():
    for name in ("architecture.md", "api.md", "events.md", "settings.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path):
    broken = []
    for link in relative_links(path):
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        known = file.exists() and (
            not anchor or file.suffix != ".md" or anchor in heading_anchors(file)
        )
        if not known:
            broken.append(link)
    assert not broken, f"links in {path.relative_to(ROOT)} that lead nowhere: {broken}"


def repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    names = [name for name in listed.decode().split("\0") if name]
    return [ROOT / name for name in names if (ROOT / name).is_file()]


def test_nothing_points_outside_the_repository():
    """The repository explains itself: no file sends its reader to a document it lacks."""
    files = repository_files()
    assert len(files) > 100
    offenders = sorted(
        f"{path.relative_to(ROOT).as_posix()}: {needle}"
        for path in files
        for needle in FORBIDDEN
        if needle.encode() in path.read_bytes()
    )
    assert not offenders, "files that point to documents outside the repository:\n" + "\n".join(
        offenders
    )
