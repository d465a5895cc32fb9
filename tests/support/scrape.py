"""Reading Prometheus text exposition in tests: one sample's value, or every name exported."""

from __future__ import annotations

import requests
from prometheus_client.parser import text_string_to_metric_families


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name`` whose labels include ``labels`` (None when absent)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and labels.items() <= found.labels.items():
                return found.value
    return None


def sample_names(text: str) -> set[str]:
    """Every sample name in ``text`` (``_total``, ``_bucket``... included)."""
    return {
        found.name for family in text_string_to_metric_families(text) for found in family.samples
    }


def scrape(url: str) -> str:
    reply = requests.get(url, timeout=5)
    reply.raise_for_status()
    return reply.text
