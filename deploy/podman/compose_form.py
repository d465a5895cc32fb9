"""docker-compose.yml in the form Debian's docker-compose 1.29 runs as Compose would.

docker-compose 1.29 honours what the production shape needs (depends_on conditions,
healthchecks, --scale, profiles, deploy.replicas) but predates two keys of the file:
the top-level `name` (given as the project name instead) and file `configs`, which it
ignores outside a Swarm, where Compose mounts each file read-only at its target. So
this drops `name`, turns each service's configs into those read-only mounts, and makes
every relative path absolute (the defaults of the secrets' and the certificate's
folders included) so the form can be
written anywhere. Nothing else changes.
"""

from __future__ import annotations

import re
from pathlib import Path

RELATIVE_DEFAULT = re.compile(r"(\$\{[A-Z_]+:-)\./")


def config_mounts(service: dict, configs: dict, root: Path) -> list[dict]:
    """The read-only bind mounts Compose makes of a service's file configs."""
    mounts = []
    for entry in service.get("configs", []):
        source = entry if isinstance(entry, str) else entry["source"]
        target = f"/{source}" if isinstance(entry, str) else entry.get("target", f"/{source}")
        mounts.append(
            {
                "type": "bind",
                "source": str((root / configs[source]["file"]).resolve()),
                "target": target,
                "read_only": True,
            }
        )
    return mounts


def service_form(service: dict, configs: dict, root: Path, env_file: Path) -> dict:
    form = {k: v for k, v in service.items() if k != "configs"}
    volumes = [
        absolute_default(v, root) if isinstance(v, str) else v for v in service.get("volumes", [])
    ]
    mounts = config_mounts(service, configs, root)
    if mounts or volumes != service.get("volumes", []):
        form["volumes"] = [*volumes, *mounts]
    if "env_file" in service:
        form["env_file"] = [str(env_file) for _ in service["env_file"]]
    if "build" in service:
        form["build"] = {**service["build"], "context": str(root / service["build"]["context"])}
    return form


def absolute_default(path: str, root: Path) -> str:
    """``${DIR:-./secrets}/x`` with its default made absolute (``${DIR}`` still wins)."""
    return RELATIVE_DEFAULT.sub(lambda m: f"{m[1]}{root.resolve()}/", path)


def compose_1_form(compose: dict, root: Path, env_file: Path) -> dict:
    """The file as docker-compose 1.29 reads it; ``env_file`` is the absolute .env."""
    configs = compose.get("configs", {})
    result = {
        key: value
        for key, value in compose.items()
        if key not in ("name", "configs") and not key.startswith("x-")
    }
    if "secrets" in compose:
        result["secrets"] = {
            name: {**secret, "file": absolute_default(secret["file"], root)}
            for name, secret in compose["secrets"].items()
        }
    result["services"] = {
        name: service_form(service, configs, root, env_file)
        for name, service in compose["services"].items()
    }
    return result
