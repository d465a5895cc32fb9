"""The monitoring profile under podman: Prometheus finds and scrapes every process.

Prometheus and both exporters run from the profile as the file defines them (on the
local images, Debian's packages). Grafana is left out: Debian does not package it and
no registry answers here, so there is no image of it to run; its provisioning and
dashboard are checked by tests/monitoring. The profile is taken down again at the end,
so the tests after this one see the stack as it was.
"""

from __future__ import annotations

import json

import pytest
import yaml
from harness import COMPOSE, podman

from support.servers import ROOT, wait_until

# The first test to ask for the stack builds and starts it: minutes on a fresh machine.
pytestmark = pytest.mark.timeout(1800)

PROFILE = [
    name
    for name, service in COMPOSE["services"].items()
    if "monitoring" in service.get("profiles", []) and name != "grafana"
]
SCRAPE = yaml.safe_load((ROOT / "deploy" / "monitoring" / "prometheus.yml").read_text())
# Each job found through Compose's DNS: the service it names and the port it scrapes.
DNS_JOBS = {
    job["job_name"]: (job["dns_sd_configs"][0]["names"][0], job["dns_sd_configs"][0]["port"])
    for job in SCRAPE["scrape_configs"]
    if "dns_sd_configs" in job
}


@pytest.fixture(scope="module")
def monitoring(stack):
    stack.compose("up", "--detach", "--no-build", "--no-deps", *PROFILE)
    try:

        def healthy() -> bool:
            return all(stack.health(name) == ["healthy"] for name in PROFILE)

        try:
            wait_until(healthy, timeout=300, interval=2)
        except AssertionError:
            states = {name: stack.health(name) for name in PROFILE}
            raise AssertionError(f"the monitoring profile never became healthy: {states}") from None
        yield stack
    finally:
        stack.compose("rm", "--stop", "--force", *PROFILE)


def active_targets(stack) -> list[dict]:
    """Prometheus' /api/v1/targets, asked from inside its container (it publishes no port)."""
    (prometheus,) = stack.containers("prometheus")
    url = "http://127.0.0.1:9090/api/v1/targets?state=active"
    answer = json.loads(podman("exec", prometheus["Id"], "wget", "-q", "-O", "-", url))
    assert answer["status"] == "success", answer
    return answer["data"]["activeTargets"]


def test_the_profile_runs_prometheus_and_both_exporters():
    assert set(PROFILE) == {"prometheus", "redis-exporter", "postgres-exporter"}
    assert {"redis-exporter", "postgres-exporter"} <= {s for s, _ in DNS_JOBS.values()}


def test_prometheus_scrapes_every_replica_and_exporter_up(monitoring):
    stack = monitoring
    expected = {("prometheus", "localhost:9090")}
    for job, (service, port) in DNS_JOBS.items():
        addresses = stack.addresses(service, "back")
        assert addresses, f"no container of {service} to scrape"
        expected |= {(job, f"{address}:{port}") for address in addresses}

    seen: dict[tuple[str, str], str] = {}

    def every_target_up() -> bool:
        seen.clear()
        for target in active_targets(stack):
            labels = target["labels"]
            seen[(labels["job"], labels["instance"])] = target["health"]
        return set(seen) == expected and set(seen.values()) == {"up"}

    # DNS is read again every 30 s and each target scraped every 15 s.
    try:
        wait_until(every_target_up, timeout=180, interval=3)
    except AssertionError:
        missing = sorted(expected - set(seen))
        down = sorted(key for key, health in seen.items() if health != "up")
        raise AssertionError(f"targets missing: {missing}; not up: {down}; seen: {seen}") from None
    print(f"\nPrometheus: {len(seen)} targets up in {len(DNS_JOBS) + 1} jobs")
