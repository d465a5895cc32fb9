"""Every service image, built from the repository's Dockerfile, runs as Compose declares.

Looked at in the running stack: each portal process runs as the unprivileged user, on a
read-only root, with a writable tmpfs where Compose puts one. The images' sizes are
printed, for the closing note and for noticing growth.
"""

from __future__ import annotations

import subprocess

import pytest
from harness import COMPOSE, podman

from support.stack import procfile

PROCESSES = sorted(procfile())


# The first test to ask for the stack builds and starts it: minutes on a fresh machine.
pytestmark = pytest.mark.timeout(1800)


def test_each_service_image_is_built_and_its_size_is_printed(stack):
    images = sorted({COMPOSE["services"][name]["image"] for name in PROCESSES})
    built = {}
    for service in ("articles", "counter", "weather", "web", "newsroom"):
        (container, *_) = stack.containers(service)
        built[service] = container["ImageName"]
    assert len(set(built.values())) == len(images) == 5
    print()
    for image in built.values():
        size = int(podman("image", "inspect", "--format", "{{.Size}}", image).strip())
        print(f"  {image}: {size / 1e6:.0f} MB")
        assert size > 0


@pytest.mark.parametrize("name", PROCESSES)
def test_the_process_runs_unprivileged_on_a_read_only_root_with_its_tmpfs(stack, name):
    declared = COMPOSE["services"][name]
    assert declared["read_only"] is True and declared["tmpfs"] == ["/tmp"]
    (container, *_) = stack.containers(name)
    assert container["HostConfig"]["ReadonlyRootfs"] is True

    def inside(script: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["podman", "exec", container["Id"], "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert inside("id -u").stdout.strip() == "10001"
    assert inside("id -un").stdout.strip() == "portal"
    denied = inside("touch /app/written-by-test")
    assert denied.returncode != 0 and "Read-only file system" in denied.stderr
    mounts = inside("cat /proc/mounts").stdout.splitlines()
    assert any(line.split()[1:3] == ["/tmp", "tmpfs"] for line in mounts), mounts
    assert inside("touch /tmp/written-by-test").returncode == 0
    # gunicorn's workers pool their metrics in the tmpfs (the entry point made the folder).
    assert inside('test -d "$PROMETHEUS_MULTIPROC_DIR"').returncode == 0
