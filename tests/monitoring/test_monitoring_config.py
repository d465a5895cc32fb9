"""The monitoring profile's files: Prometheus' configuration and alert rules (checked and
unit-tested by promtool), the Grafana dashboard, and how Compose runs them."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from support.ci import missing
from support.metric_names import exported_metrics, promql_metrics
from support.servers import ROOT
from support.stack import procfile

MONITORING = ROOT / "deploy/monitoring"
RULES = MONITORING / "rules/portal.yml"
DASHBOARD = MONITORING / "grafana/dashboards/portal.json"
EXPORTERS = {"redis-exporter": 9121, "postgres-exporter": 9187}
EXPORTER_METRICS = {
    "up",  # Prometheus' own, per target
    "redis_memory_used_bytes",  # redis_exporter
    "redis_memory_max_bytes",
    "pg_stat_database_numbackends",  # postgres-exporter
}
HTTP_PORTS = {"articles": 8001, "counter": 8002, "weather": 8003, "web": 8000, "newsroom": 8004}


def promtool(*args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("promtool")
    if tool is None:
        missing("promtool not installed (Debian package prometheus)")
    return subprocess.run(
        [tool, *args], cwd=MONITORING, capture_output=True, text=True, timeout=120
    )


def rules() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_queries() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def test_promtool_accepts_the_configuration_and_its_rules():
    config = promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    assert "1 rule files found" in config.stdout
    checked = promtool("check", "rules", "rules/portal.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("unit", sorted(p.name for p in (MONITORING / "tests").glob("*.yml")))
def test_the_alert_unit_tests_pass(unit):
    result = promtool("test", "rules", f"tests/{unit}")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_shown_to_fire_and_to_stay_quiet():
    fires: set[str] = set()
    quiet: set[str] = set()
    for path in (MONITORING / "tests").glob("*.yml"):
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
    alerts = {rule["alert"] for rule in rules() if "alert" in rule}
    assert alerts == {
        "OutboxEventWaiting",
        "ConsumerLagGrowing",
        "ConsumerPendingGrowing",
        "DeadLetters",
        "WeatherStale",
        "HighErrorRate",
        "HighLatency",
        "TargetDown",
    }
    assert alerts <= fires, alerts - fires
    assert alerts <= quiet, alerts - quiet


def test_every_metric_the_rules_and_the_dashboard_read_is_exported():
    exported = exported_metrics() | EXPORTER_METRICS
    read = {
        (name, expr)
        for expr in [*(rule["expr"] for rule in rules()), *dashboard_queries()]
        for name in promql_metrics(expr)
    }
    assert read, "no metric found in the rules and the dashboard"
    unknown = sorted((name, expr) for name, expr in read if name not in exported)
    assert unknown == []


def test_the_dashboard_is_grafana_json_on_the_provisioned_data_source():
    dashboard = json.loads(DASHBOARD.read_text())
    datasource = yaml.safe_load(
        (MONITORING / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    panels = dashboard["panels"]
    assert dashboard["uid"] and dashboard["title"] == "Portal"
    assert len({panel["id"] for panel in panels}) == len(panels)
    for panel in panels:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]
        assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"])
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]), panel["title"]
    titles = " ".join(panel["title"] for panel in panels).lower()
    for subject in ("requests", "5xx", "latency", "views", "outbox", "lag", "weather"):
        assert subject in titles, subject


def test_prometheus_scrapes_every_process_at_its_port():
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    metrics_port = int(compose["services"]["counter-consumer"]["environment"]["METRICS_PORT"])
    expected = {name: HTTP_PORTS.get(name, metrics_port) for name in procfile()} | EXPORTERS
    jobs = {
        job["job_name"]: job["dns_sd_configs"][0]
        for job in config["scrape_configs"]
        if "dns_sd_configs" in job
    }
    assert {name: sd["port"] for name, sd in jobs.items()} == expected
    for name, sd in jobs.items():
        assert sd["names"] == [name] and sd["type"] == "A", name
        assert name in compose["services"], name


def test_compose_runs_monitoring_behind_its_profile_and_grafana_on_loopback():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    images = {
        "prometheus": "PROMETHEUS_IMAGE",
        "grafana": "GRAFANA_IMAGE",
        "redis-exporter": "REDIS_EXPORTER_IMAGE",
        "postgres-exporter": "POSTGRES_EXPORTER_IMAGE",
    }
    for name, variable in images.items():
        assert services[name]["profiles"] == ["monitoring"], name
        assert services[name]["image"].startswith(f"${{{variable}:-"), name
    assert services["grafana"]["ports"] == ["127.0.0.1:${GRAFANA_HOST_PORT:-3000}:3000"]
    assert "back" in services["prometheus"]["networks"]
    for config in compose["configs"].values():
        assert (ROOT / config["file"]).is_file(), config["file"]
