"""The gateway's nginx, rendered from deploy/nginx/gateway.conf.template for loopback.

In Compose the nginx image fills the template's ${GATEWAY_*} from the gateway's
environment in docker-compose.yml and includes it in its http block. Here the same
template is filled from that same environment, with the upstreams moved to loopback
ports, the listen port free, and the logs in a temporary folder; a small nginx.conf
stands in for the image's own and includes it. Debian's nginx runs it, not daemonized.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from support.ci import missing
from support.servers import ROOT, free_port, wait_until

TEMPLATE = ROOT / "deploy" / "nginx" / "gateway.conf.template"
TLS_TEMPLATE = ROOT / "deploy" / "nginx" / "gateway-tls.inc.template"
TLS_SCRIPT = ROOT / "deploy" / "nginx" / "16-gateway-tls.envsh"
PLACEHOLDER = re.compile(r"\$\{(GATEWAY_[A-Z0-9_]+)\}")


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        missing("nginx is not installed (.ci/run installs nginx-light)")
    return found


def compose_environment() -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {k: str(v) for k, v in compose["services"]["gateway"]["environment"].items()}


def render(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with every ${GATEWAY_*} filled in (a missing one is an error)."""

    def fill(match: re.Match) -> str:
        return values[match[1]]

    return PLACEHOLDER.sub(fill, template.read_text())


def tls_values(values: dict[str, str]) -> dict[str, str]:
    """``values`` as the image's entry point leaves them after 16-gateway-tls.envsh."""
    printed = subprocess.run(
        ["/bin/sh", "-c", f'. "{TLS_SCRIPT}" && env -0'],
        env={"PATH": "/usr/bin:/bin", **values},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pairs = (item.partition("=") for item in printed.split("\0") if item)
    return {key: value for key, _, value in pairs if key.startswith("GATEWAY_")}


class Gateway:
    """nginx with the gateway config in front of upstreams on loopback."""

    def __init__(
        self,
        workdir: Path,
        upstreams: dict[str, str],
        media_root: Path | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        """``tls``: a certificate and key, mounted where the gateway looks for them."""
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.tls_port = free_port()
        self.access_log = self.dir / "access.log"
        self.error_log = self.dir / "error.log"
        values = compose_environment()
        values.update(
            GATEWAY_PORT=f"127.0.0.1:{self.port}",
            GATEWAY_ACCESS_LOG=str(self.access_log),
            GATEWAY_RESOLVER="127.0.0.1",
            GATEWAY_MEDIA_ROOT=str(media_root or self.dir / "media"),
        )
        for name, address in upstreams.items():
            values[f"GATEWAY_{name.upper()}_UPSTREAM"] = address
        values.update(
            GATEWAY_TLS_PORT=f"127.0.0.1:{self.tls_port}",
            GATEWAY_HTTPS_PUBLIC_PORT=f"127.0.0.1:{self.tls_port}",
            GATEWAY_TLS_CERT=str(tls[0] if tls else self.dir / "absent.crt"),
            GATEWAY_TLS_KEY=str(tls[1] if tls else self.dir / "absent.key"),
            NGINX_ENVSUBST_OUTPUT_DIR=str(self.dir),
        )
        values = tls_values(values)
        (self.dir / "gateway.conf").write_text(render(values))
        (self.dir / "gateway-tls.inc").write_text(render(values, TLS_TEMPLATE))
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        temp = "\n".join(
            f"    {kind}_temp_path {self.dir / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.dir / "nginx.conf").write_text(
            f"""{user}
daemon off;
worker_processes 1;
pid {self.dir / "nginx.pid"};
error_log {self.error_log} warn;
events {{ worker_connections 256; }}
http {{
{temp}
    include {self.dir / "gateway.conf"};
}}
"""
        )
        self.proc: subprocess.Popen | None = None

    def command(self, *extra: str) -> list[str]:
        return [
            nginx_binary(),
            "-p",
            str(self.dir),
            "-c",
            str(self.dir / "nginx.conf"),
            "-e",
            str(self.error_log),
            *extra,
        ]

    def check(self) -> subprocess.CompletedProcess:
        """``nginx -t`` on the rendered configuration."""
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gateway:
        self.proc = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

        pid_file = self.dir / "nginx.pid"

        def up() -> bool:
            if self.proc.poll() is not None:
                pytest.fail(f"nginx exited:\n{self.errors()}")
            # nginx writes its pid file only once it holds its port: then the answer
            # below is this nginx's, not another process's on a reused port.
            if not pid_file.exists() or pid_file.read_text().strip() != str(self.proc.pid):
                return False
            return requests.get(self.url + "/gateway/healthz", timeout=1).status_code == 200

        wait_until(up, timeout=15)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def errors(self) -> str:
        return self.error_log.read_text() if self.error_log.exists() else ""

    def logged(self) -> list[dict]:
        """The access log: one JSON object per request."""
        if not self.access_log.exists():
            return []
        return [json.loads(line) for line in self.access_log.read_text().splitlines() if line]

    def wait_logged(self, **fields: object) -> dict:
        """The access log entry with these fields, once written: nginx logs a request
        after it has sent the response, so a client can be quicker than the log."""

        def entry() -> dict | None:
            for logged in self.logged():
                if all(logged.get(key) == value for key, value in fields.items()):
                    return logged
            return None

        return wait_until(entry, timeout=10)  # type: ignore[return-value]
