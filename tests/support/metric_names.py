"""Metric names two ways: those a PromQL expression reads, and those our code exports
(found by parsing it, as tests/test_docs.py finds settings)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROMQL_WORDS = {
    "abs", "absent", "and", "avg", "avg_over_time", "bool", "bottomk", "by", "clamp_min",
    "count", "count_over_time", "delta", "deriv", "group_left", "group_right", "histogram_quantile",
    "ignoring", "increase", "irate", "label_replace", "max", "max_over_time", "min",
    "min_over_time", "offset", "on", "or", "quantile", "rate", "scalar", "sum", "time", "topk",
    "unless", "vector", "without", "inf", "nan",
}  # fmt: skip
METRIC_CLASSES = {"Counter", "Gauge", "Histogram", "CounterMetricFamily", "GaugeMetricFamily"}
REGISTRY_METHODS = {"counter", "gauge"}
"""``Metrics.counter`` (HTTP apps: the service's name is put in front) and
``ProcessMetrics.counter`` (the name as given)."""


def promql_metrics(expr: str) -> set[str]:
    """The metric names an expression selects."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        followed = text[match.end() :].lstrip()[:1]
        if match[0].lower() not in PROMQL_WORDS and followed != "(":
            names.add(match[0])
    return names


def _samples(name: str, kind: str) -> set[str]:
    if kind in {"Counter", "CounterMetricFamily", "counter"}:
        base = name.removesuffix("_total")
        return {f"{base}_total"}
    if kind == "Histogram":
        return {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    return {name}


def exported_metrics() -> set[str]:
    """Every sample name our processes can export."""
    sources = [
        *sorted((ROOT / "libs/portalkit/src").rglob("*.py")),
        *sorted((ROOT / "services").glob("*/src/**/*.py")),
    ]
    names: set[str] = set()
    for path in sources:
        place = path.relative_to(ROOT).parts
        service = place[1] if place[0] == "services" else ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            func = node.func
            kind = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if kind in METRIC_CLASSES:
                names |= _samples(first.value, kind)
            elif kind in REGISTRY_METHODS:
                names |= _samples(first.value, kind)
                names |= _samples(f"{service}_{first.value}", kind)
    return names
