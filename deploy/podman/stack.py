"""docker-compose.yml run with podman, on a host without a Docker engine (OPERATIONS.md).

    .venv/bin/python deploy/podman/stack.py [options] up [--local-images] [-- UP ARGS]
    .venv/bin/python deploy/podman/stack.py [options] build [--local-images]
    .venv/bin/python deploy/podman/stack.py [options] down [-- DOWN ARGS]
    .venv/bin/python deploy/podman/stack.py [options] compose COMPOSE ARGS...

`up` builds every service image from the repository's Dockerfile with podman (unless
given --no-build), then runs `docker-compose up --detach --no-build` (Debian's
docker-compose 1.29, which honours depends_on conditions, healthchecks and --scale)
against podman's Docker API. It starts, for this project, what podman lacks without
systemd: the API service and a healthcheck timer (deploy/podman/healthchecks.py);
`down` stops them again. `--local-images` first builds the base images from Debian's
packages (deploy/local-images/build.sh) and writes their references into the env file.
`up` also writes any missing secret file (deploy/make_secrets.py) into
PORTAL_SECRETS_DIR (from the environment or the env file; relative to the repository).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from compose_form import compose_1_form  # noqa: E402
from make_secrets import declared_secrets, write_secrets  # noqa: E402

# Where the build stage's HTTPS finds its CA bundle (the Dockerfile's UV_NATIVE_TLS):
# the host's own bundle (SSL_CERT_FILE, else Debian's) is mounted there, so builds
# trust what the host trusts, a TLS-inspecting proxy included.
BUILD_CA_PATH = "/etc/ssl/certs/ca-certificates.crt"
HOST_CA_PATH = "/etc/ssl/certs/ca-certificates.crt"
# Folders the Compose file takes from the environment, and their defaults.
FOLDERS = {"PORTAL_SECRETS_DIR": "./secrets", "GATEWAY_TLS_DIR": "./deploy/nginx/tls"}


def parse_env(text: str) -> dict[str, str]:
    """KEY=value lines (as in .env); blank lines and comments are skipped."""
    values = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def read_env_file(path: Path) -> dict[str, str]:
    return parse_env(path.read_text()) if path.exists() else {}


def set_env_values(path: Path, values: dict[str, str]) -> None:
    """Sets each KEY=value in the env file, replacing a line that sets KEY already."""
    lines = path.read_text().splitlines() if path.exists() else []
    kept = [line for line in lines if line.partition("=")[0].strip() not in values]
    path.write_text("\n".join([*kept, *(f"{k}={v}" for k, v in values.items())]) + "\n")


class Stack:
    """One Compose project run through podman: its files, helpers and commands."""

    def __init__(self, env_file: Path, project: str | None, state_dir: Path) -> None:
        self.env_file = env_file.resolve()
        self.state = state_dir.resolve()
        self.state.mkdir(parents=True, exist_ok=True)
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
        self.secret_names = declared_secrets(compose)
        self.project = project or compose["name"]
        self.form = self.state / "docker-compose.yml"
        self.form.write_text(yaml.safe_dump(compose_1_form(compose, ROOT, self.env_file)))
        self.socket = self.state / "podman.sock"

    # --- podman's helpers --------------------------------------------------------------

    def api_answers(self) -> bool:
        with socket.socket(socket.AF_UNIX) as client:
            try:
                client.settimeout(2)
                client.connect(str(self.socket))
                client.sendall(b"GET /_ping HTTP/1.0\r\n\r\n")
                return b" 200 " in client.recv(64)
            except OSError:
                return False

    def spawn(self, name: str, args: list[str]) -> None:
        """Starts a helper in its own session unless its pid file names a live one."""
        pid_file = self.state / f"{name}.pid"
        if pid_file.exists() and Path(f"/proc/{pid_file.read_text().strip()}").exists():
            return
        with (self.state / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        pid_file.write_text(str(process.pid))

    def start_helpers(self) -> None:
        if not self.api_answers():
            self.socket.unlink(missing_ok=True)
            (self.state / "podman-api.pid").unlink(missing_ok=True)
            self.spawn(
                "podman-api", ["podman", "system", "service", "--time=0", f"unix://{self.socket}"]
            )
        deadline = time.monotonic() + 30
        while not self.api_answers():
            if time.monotonic() > deadline:
                raise SystemExit(f"podman's API did not answer on {self.socket}")
            time.sleep(0.2)
        timer = [sys.executable, str(HERE / "healthchecks.py"), self.project]
        self.spawn("healthchecks", timer)

    def stop_helpers(self) -> None:
        for name in ("healthchecks", "podman-api"):
            pid_file = self.state / f"{name}.pid"
            if pid_file.exists():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
                pid_file.unlink()

    # --- images ----------------------------------------------------------------------

    def local_images(self) -> None:
        """Builds the base images from Debian's packages; their references go to .env."""
        printed = subprocess.run(
            [str(ROOT / "deploy" / "local-images" / "build.sh")],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        set_env_values(self.env_file, parse_env(printed))

    def build(self) -> None:
        """Each service image, as `docker compose build` would make it, built by podman."""
        config = yaml.safe_load(self.compose_output("config"))
        env = {**read_env_file(self.env_file), **os.environ}
        # docker-compose 1.29 lists the services of every profile: build those of the
        # active ones (COMPOSE_PROFILES) only, as `up` runs no other.
        active = set(filter(None, env.get("COMPOSE_PROFILES", "").split(",")))
        builds = {
            svc["image"]: svc["build"]
            for svc in config["services"].values()
            if "build" in svc and (not svc.get("profiles") or active & set(svc["profiles"]))
        }
        commands = [build_command(image, build, env) for image, build in builds.items()]
        # Two at a time: a build waits on downloads and on writing layers as much as on CPU.
        with ThreadPoolExecutor(max_workers=2) as pool:
            for result in pool.map(lambda c: subprocess.run(c, check=False), commands):
                if result.returncode:
                    raise SystemExit(f"podman build failed: {' '.join(result.args)}")

    # --- compose ---------------------------------------------------------------------

    def compose_command(self, *args: str) -> list[str]:
        return [
            "docker-compose",
            "--project-name",
            self.project,
            "--file",
            str(self.form),
            "--env-file",
            str(self.env_file),
            *args,
        ]

    def folder(self, name: str) -> Path:
        """A folder setting as Compose would resolve it from the repository root."""
        value = os.environ.get(name) or read_env_file(self.env_file).get(name, FOLDERS[name])
        return (ROOT / value).resolve()

    def write_missing_secrets(self) -> None:
        write_secrets(self.folder("PORTAL_SECRETS_DIR"), self.secret_names, {})

    def compose_env(self) -> dict[str, str]:
        # The form is written elsewhere: a relative folder would move with it.
        folders = {name: str(self.folder(name)) for name in FOLDERS}
        return {**os.environ, "DOCKER_HOST": f"unix://{self.socket}", **folders}

    def compose(self, *args: str) -> int:
        return subprocess.run(self.compose_command(*args), env=self.compose_env()).returncode

    def compose_output(self, *args: str) -> str:
        return subprocess.run(
            self.compose_command(*args),
            env=self.compose_env(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def build_command(image: str, build: dict, env: dict[str, str]) -> list[str]:
    """`podman build` of one image from its Compose build section (interpolated)."""
    dockerfile = Path(build["context"]) / build.get("dockerfile", "Dockerfile")
    command = ["podman", "build", "--format", "docker", "--tag", image, "--file", str(dockerfile)]
    for key, value in (build.get("args") or {}).items():
        value = env.get(key) if value is None else value
        if value:
            command += ["--build-arg", f"{key}={value}"]
    ca = os.environ.get("SSL_CERT_FILE") or HOST_CA_PATH
    if Path(ca).is_file():
        command += ["--volume", f"{Path(ca).resolve()}:{BUILD_CA_PATH}:ro"]
    return [*command, build["context"]]


COMMANDS = ("up", "build", "down", "compose")


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """This script's options (before the command), and the arguments for Compose after it."""
    at = next((i for i, word in enumerate(argv) if word in COMMANDS), len(argv))
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--project-name", help="default: the file's `name`")
    parser.add_argument("--state-dir", type=Path, default=ROOT / "var" / "podman")
    parser.add_argument("command", choices=COMMANDS)
    options = parser.parse_args([*argv[:at], *argv[at : at + 1]])
    rest = [word for word in argv[at + 1 :] if word != "--"]
    options.local_images = options.command in ("up", "build") and "--local-images" in rest
    return options, [word for word in rest if word != "--local-images"]


def main(argv: list[str]) -> int:
    options, args = parse(argv)
    if not options.env_file.exists():
        sys.stderr.write(f"no {options.env_file}: copy .env.example and set its secrets\n")
        return 1
    stack = Stack(options.env_file, options.project_name, options.state_dir)
    if options.command in ("up", "build") and options.local_images:
        stack.local_images()
    if options.command == "build" or (options.command == "up" and "--no-build" not in args):
        stack.build()
    if options.command == "build":
        return 0
    stack.start_helpers()
    if options.command == "up":
        stack.write_missing_secrets()
        return stack.compose(
            "up", "--detach", "--no-build", *(a for a in args if a != "--no-build")
        )
    if options.command == "down":
        status = stack.compose("down", *args)
        stack.stop_helpers()
        return status
    return stack.compose(*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
