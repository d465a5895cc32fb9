"""``METRICS_PORT``: parsed like every setting, and served by a process that sets it."""

from __future__ import annotations

import pytest

from portalkit.config import CommonSettings, ConfigError
from portalkit.process_metrics import ProcessMetrics, serve_metrics
from support.scrape import sample, scrape
from support.servers import free_port


@pytest.mark.parametrize("value", ["x", "-1", "65536", "80.5"])
def test_a_metrics_port_that_is_not_a_port_is_refused(value):
    with pytest.raises(ConfigError, match="METRICS_PORT"):
        CommonSettings.from_env({"METRICS_PORT": value})


def test_without_a_metrics_port_nothing_is_served():
    assert CommonSettings.from_env({}).metrics_port == 0
    assert serve_metrics(CommonSettings.from_env({}), ProcessMetrics().registry, "test") is None


def test_the_process_registry_is_served_on_the_metrics_port():
    port = free_port()
    settings = CommonSettings.from_env({"METRICS_PORT": str(port)})
    metrics = ProcessMetrics()
    metrics.counter("test_process_rounds", "Rounds done.").inc(3)

    assert serve_metrics(settings, metrics.registry, "test") == port
    text = scrape(f"http://127.0.0.1:{port}/metrics")
    assert sample(text, "test_process_rounds_total") == 3
