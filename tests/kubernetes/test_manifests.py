"""deploy/kubernetes: rendered by kubectl's kustomize, valid Kubernetes, and the Compose
file's twin (images, commands, probes, resources, settings, secrets, networks).

Both the base and the production overlay are rendered with `kubectl kustomize` (Debian's
kubernetes-client, installed by .ci/run) and every object is validated offline against
the Kubernetes JSON schemas (kubernetes-validate, strict: no unknown field).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml
from test_compose_secrets import names_read, received, secret_files

from support.ci import missing
from support.servers import ROOT

KUBERNETES_VERSION = "1.30.0"
HTTP_PORTS = {"web": 8000, "articles": 8001, "counter": 8002, "weather": 8003, "newsroom": 8004}
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Compose's long-running portal processes: one Deployment each (the gateway is the Ingress).
PROCESSES = [
    name
    for name, svc in SERVICES.items()
    if "build" in svc and svc.get("restart") != "no" and not svc.get("profiles")
]
DEFAULTED = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")


def render(folder: str) -> list[dict]:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        missing("kubectl is not installed (.ci/run installs kubernetes-client)")
    result = subprocess.run(
        [kubectl, "kustomize", str(ROOT / "deploy" / "kubernetes" / folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def rendered(request) -> list[dict]:
    return render(request.param)


@pytest.fixture(scope="module")
def base() -> list[dict]:
    return render("base")


@pytest.fixture(scope="module")
def production() -> list[dict]:
    return render("overlays/production")


def objects(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def container(workload: dict) -> dict:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    (only,) = spec["template"]["spec"]["containers"]
    return only


def pod_spec(workload: dict) -> dict:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]


def seconds(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([smh])", value).groups()
    return int(number) * {"s": 1, "m": 60, "h": 3600}[unit]


def memory(value: str) -> str:
    return value.replace("M", "Mi").replace("G", "Gi")


def test_every_object_is_valid_kubernetes(rendered):
    assert len(rendered) > 30
    for doc in rendered:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    # The validator does reject what is not Kubernetes.
    broken = {**objects(rendered, "Deployment")["web"], "spec": {"replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_every_compose_process_is_a_deployment_of_the_same_image_and_command(base):
    deployments = objects(base, "Deployment")
    assert set(deployments) == set(PROCESSES)
    for name in PROCESSES:
        spec = container(deployments[name])
        image = DEFAULTED.sub(r"\1", SERVICES[name]["image"])
        assert spec["image"] == image, name
        assert spec["args"] == [SERVICES[name]["command"][0].replace("$$", "$")], name
        assert "command" not in spec, name  # the image's entry point runs the line
    jobs = objects(base, "Job")
    assert set(jobs) == {"migrate", "newsroom-migrate"}
    for name, job in jobs.items():
        assert container(job)["image"] == DEFAULTED.sub(r"\1", SERVICES[name]["image"]), name
        assert container(job)["args"] == SERVICES[name]["command"], name
    backup = container(objects(base, "CronJob")["backup"])
    assert backup["image"] == DEFAULTED.sub(r"\1", SERVICES["backup"]["image"])
    assert backup["args"] == ["python -m portalkit.backup once"]


def test_probes_are_the_compose_healthchecks(base):
    deployments = objects(base, "Deployment")
    for name in PROCESSES:
        check = SERVICES[name]["healthcheck"]
        spec = container(deployments[name])
        live = spec["livenessProbe"]
        assert live["periodSeconds"] == seconds(check["interval"]), name
        assert live["timeoutSeconds"] == seconds(check["timeout"]), name
        assert live["failureThreshold"] == check["retries"], name
        startup = spec["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] >= seconds(
            check["start_period"]
        ), name
        if name in HTTP_PORTS:
            assert check["test"] == ["CMD", "portal-healthcheck", "http", str(HTTP_PORTS[name])]
            assert spec["ports"] == [{"name": "http", "containerPort": HTTP_PORTS[name]}]
            assert live["httpGet"] == {"path": "/healthz", "port": "http"}, name
            assert spec["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        elif check["test"][0] == "CMD":
            assert live["exec"]["command"] == check["test"][1:], name
        else:
            shell = check["test"][1].replace("$$", "$")
            assert live["exec"]["command"] == ["sh", "-c", shell], name


def test_resources_are_the_compose_limits_and_reservations(base):
    deployments = objects(base, "Deployment")
    for name in PROCESSES:
        resources = SERVICES[name]["deploy"]["resources"]
        spec = container(deployments[name])["resources"]
        assert spec["limits"] == {
            "cpu": resources["limits"]["cpus"],
            "memory": memory(resources["limits"]["memory"]),
        }, name
        reserved = resources.get("reservations", {}).get("memory", resources["limits"]["memory"])
        assert spec["requests"]["memory"] == memory(reserved), name
        assert deployments[name]["spec"]["replicas"] == SERVICES[name]["deploy"]["replicas"]


def test_settings_come_from_the_configmap_and_match_compose(base):
    (settings,) = objects(base, "ConfigMap").values()
    data = settings["data"]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", (ROOT / "docs/settings.md").read_text()))
    assert set(data) <= documented, sorted(set(data) - documented)
    assert not [key for key in data if re.search(r"(^|_)(TOKENS?|SECRET|PASSWORD|KEY)$", key)]
    compose_env = SERVICES["articles"]["environment"]
    for key in ("ARTICLES_URL", "COUNTER_URL", "WEATHER_URL", "BIND_HOST", "REDIS_URL"):
        assert data[key] == compose_env[key], key
    assert data["PROMETHEUS_MULTIPROC_DIR"] == compose_env["PROMETHEUS_MULTIPROC_DIR"]
    assert data["DATABASE_URL"] == DEFAULTED.sub(r"\1", compose_env["DATABASE_URL"])
    newsroom_env = SERVICES["newsroom"]["environment"]
    assert data["NEWSROOM_DATABASE_URL"] == DEFAULTED.sub(
        r"\1", newsroom_env["NEWSROOM_DATABASE_URL"]
    )
    for workload in [*objects(base, "Deployment").values(), *objects(base, "Job").values()]:
        env_from = container(workload)["envFrom"]
        assert env_from == [{"configMapRef": {"name": settings["metadata"]["name"]}}]


def test_each_pod_gets_the_secrets_its_compose_service_gets_and_its_code_reads(base):
    workloads = {
        **objects(base, "Deployment"),
        **objects(base, "Job"),
        "backup": objects(base, "CronJob")["backup"],
    }
    for name, workload in workloads.items():
        service = SERVICES[name]
        volumes = {v["name"]: v for v in pod_spec(workload)["volumes"]}
        items = {item["key"] for item in volumes["secrets"]["secret"]["items"]}
        assert volumes["secrets"]["secret"]["secretName"] == "portal-secrets"
        assert items == received(service), name
        files = {
            e["name"].removesuffix("_FILE"): e["value"].removeprefix("/run/secrets/")
            for e in container(workload).get("env", [])
            if e["name"].endswith("_FILE")
        }
        assert files == secret_files(service), name
        assert set(files) <= names_read(service), name


def test_pods_run_unprivileged_on_a_read_only_root(rendered):
    for kind in ("Deployment", "Job", "CronJob"):
        for name, workload in objects(rendered, kind).items():
            pod = pod_spec(workload)
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod["automountServiceAccountToken"] is False, name
            context = container(workload)["securityContext"]
            assert context == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }, name


def test_scaling_and_disruption_budgets_cover_the_http_services(rendered):
    deployments = objects(rendered, "Deployment")
    autoscalers = objects(rendered, "HorizontalPodAutoscaler")
    assert set(autoscalers) == {"web", "articles", "counter"}
    for name, autoscaler in autoscalers.items():
        assert autoscaler["spec"]["scaleTargetRef"]["name"] == name
        assert autoscaler["spec"]["minReplicas"] >= 2
        assert autoscaler["spec"]["minReplicas"] <= deployments[name]["spec"]["replicas"]
    budgets = objects(rendered, "PodDisruptionBudget")
    assert set(budgets) == {"web", "articles", "counter", "weather"}
    for name, budget in budgets.items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items(), name


def test_network_policies_mirror_the_compose_networks(base):
    policies = objects(base, "NetworkPolicy")
    assert policies["default-deny"]["spec"]["podSelector"] == {}
    assert set(policies["default-deny"]["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    for name, workload in objects(base, "Deployment").items():
        labels = workload["spec"]["template"]["metadata"]["labels"]
        networks = set(SERVICES[name]["networks"])
        on_front = labels.get("portal.yenbai.gov.vn/front") == "true"
        assert on_front == ("front" in networks), name
        assert labels.get("portal.yenbai.gov.vn/back") == "true", name
        assert (labels.get("portal.yenbai.gov.vn/http") == "true") == (name in HTTP_PORTS)
    back = policies["back-egress"]["spec"]["egress"][0]["ports"]
    assert {p["port"] for p in back} == {6379, 5432}
    ingress = policies["front-ingress"]["spec"]
    assert ingress["podSelector"]["matchLabels"]["portal.yenbai.gov.vn/http"] == "true"
    assert {p["port"] for p in ingress["ingress"][0]["ports"]} == set(HTTP_PORTS.values())


def test_the_ingress_routes_as_the_gateway_does(base):
    gateway = SERVICES["gateway"]["environment"]
    routes = {}
    for ingress in objects(base, "Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                routes[path["path"]] = path["backend"]["service"]["name"]
    assert routes["/"] == "web" == gateway["GATEWAY_WEB_UPSTREAM"].split(":")[0]
    prefixes = {"articles": "/api/articles", "counter": "/api/views", "weather": "/api/weather"}
    prefixes["newsroom"] = "/newsroom"
    for service, prefix in prefixes.items():
        (path,) = [p for p, target in routes.items() if target == service]
        assert path.startswith(prefix + "(/)"), path
        assert gateway[f"GATEWAY_{service.upper()}_UPSTREAM"].split(":")[0] == service
        # ingress-nginx anchors a regex path at the start (nginx's `location ~ ^...`).
        assert not re.match(path, prefix + "/metrics"), path
        assert re.match(path, prefix + "/openapi.json"), path
    annotations = {
        name: i["metadata"]["annotations"] for name, i in objects(base, "Ingress").items()
    }
    assert annotations["api"]["nginx.ingress.kubernetes.io/rewrite-target"] == "/$2"
    # The newsroom, like behind the gateway: its prefix removed, and told it.
    newsroom = annotations["newsroom"]
    assert newsroom["nginx.ingress.kubernetes.io/rewrite-target"] == "/$2"
    assert newsroom["nginx.ingress.kubernetes.io/x-forwarded-prefix"] == "/newsroom"
    assert (
        "X-Forwarded-Prefix /newsroom" in (ROOT / "deploy/nginx/gateway.conf.template").read_text()
    )
    services = objects(base, "Service")
    for name, port in HTTP_PORTS.items():
        assert services[name]["spec"]["ports"][0]["port"] == port


def test_redis_and_postgres_are_external_dependencies(rendered):
    services = objects(rendered, "Service")
    for name, port in (("redis", 6379), ("postgres", 5432)):
        assert services[name]["spec"]["type"] == "ExternalName"
        assert services[name]["spec"]["ports"][0]["port"] == port
    assert not objects(rendered, "StatefulSet")


def test_production_runs_in_its_namespace_from_the_registry_with_tls(production):
    for doc in production:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "portal", doc["metadata"]["name"]
    for workload in objects(production, "Deployment").values():
        image = container(workload)["image"]
        assert image.startswith("registry.yenbai.gov.vn/portal/portal-"), image
        assert not image.endswith(":latest"), image
    for ingress in objects(production, "Ingress").values():
        assert ingress["spec"]["tls"][0]["secretName"] == "portal-tls"
        assert ingress["spec"]["rules"][0]["host"] == ingress["spec"]["tls"][0]["hosts"][0]
    assert objects(production, "Deployment")["web"]["spec"]["replicas"] == 3
