"""The category tree from the articles service, as the pages need it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Category:
    slug: str
    name: str
    name_en: str | None = None
    parent: str | None = None
    children: list[Category] = field(default_factory=list)

    def label(self, language: str) -> str:
        return (self.name_en or self.name) if language == "en" else self.name


@dataclass
class CategoryTree:
    """Top-level categories in the order given, and every category by slug."""

    roots: list[Category] = field(default_factory=list)
    by_slug: dict[str, Category] = field(default_factory=dict)

    @classmethod
    def from_api(cls, items: list[dict[str, Any]]) -> CategoryTree:
        """Accepts a nested tree (``children``) or a flat list with ``parent`` slugs."""
        tree = cls()

        def add(item: dict[str, Any], parent: str | None) -> None:
            parent_value = item.get("parent", parent)
            if isinstance(parent_value, dict):
                parent_value = parent_value.get("slug")
            node = Category(
                slug=item["slug"],
                name=item.get("name") or item["slug"],
                name_en=item.get("name_en"),
                parent=parent_value,
            )
            tree.by_slug[node.slug] = node
            for child in item.get("children") or []:
                add(child, node.slug)

        for item in items:
            add(item, None)
        for node in tree.by_slug.values():
            parent_node = tree.by_slug.get(node.parent) if node.parent else None
            if parent_node is None:
                tree.roots.append(node)
            elif node not in parent_node.children:
                parent_node.children.append(node)
        return tree

    def path(self, slug: str) -> list[Category]:
        """From the root down to ``slug`` (a breadcrumb)."""
        trail: list[Category] = []
        node = self.by_slug.get(slug)
        while node is not None and node not in trail:
            trail.insert(0, node)
            node = self.by_slug.get(node.parent) if node.parent else None
        return trail
