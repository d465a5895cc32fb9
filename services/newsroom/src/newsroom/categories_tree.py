"""The category tree as the desk shows it: flattened with depth, for lists and selects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def flatten(tree: list[dict[str, Any]], depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every category, parents before children, each with its ``depth``."""
    for node in tree:
        yield {**node, "depth": depth}
        yield from flatten(node.get("children") or [], depth + 1)


def choices(tree: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(slug, label)`` pairs; a child's label is indented under its parent."""
    return [(node["slug"], "— " * node["depth"] + node["name"]) for node in flatten(tree)]
