"""The category tree: breadcrumbs, subtrees, creation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from articles.errors import Conflict, Invalid
from articles.models import Category
from articles.vietnamese import first_free, slugify


@dataclass
class CategoryTree:
    """Every category, loaded at once (a portal has tens of them, not thousands)."""

    by_id: dict[int, Category]
    children: dict[int | None, list[Category]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> CategoryTree:
        rows = list(session.scalars(select(Category).order_by(Category.position, Category.id)))
        children: dict[int | None, list[Category]] = defaultdict(list)
        for row in rows:
            children[row.parent_id].append(row)
        return cls(by_id={row.id: row for row in rows}, children=children)

    def by_slug(self, slug: str) -> Category | None:
        return next((c for c in self.by_id.values() if c.slug == slug), None)

    def ancestry(self, category: Category) -> list[Category]:
        """From the root down to ``category`` itself."""
        chain = [category]
        seen = {category.id}
        while chain[-1].parent_id is not None and chain[-1].parent_id not in seen:
            parent = self.by_id[chain[-1].parent_id]
            seen.add(parent.id)
            chain.append(parent)
        return list(reversed(chain))

    def breadcrumb(self, category: Category) -> list[dict[str, str]]:
        return [{"slug": c.slug, "name": c.name} for c in self.ancestry(category)]

    def subtree_ids(self, category: Category) -> set[int]:
        found, stack = set(), [category]
        while stack:
            current = stack.pop()
            if current.id in found:
                continue
            found.add(current.id)
            stack.extend(self.children.get(current.id, []))
        return found

    def ref(self, category: Category) -> dict[str, Any]:
        """How an article names its category on reads."""
        return {
            "id": category.id,
            "slug": category.slug,
            "name": category.name,
            "name_en": category.name_en,
            "breadcrumb": self.breadcrumb(category),
        }

    def node(self, category: Category, depth: int = 0) -> dict[str, Any]:
        """A category with its children, recursively."""
        parent = self.by_id.get(category.parent_id) if category.parent_id else None
        return {
            "id": category.id,
            "slug": category.slug,
            "name": category.name,
            "name_en": category.name_en,
            "parent": parent.slug if parent else None,
            "position": category.position,
            "breadcrumb": self.breadcrumb(category),
            "children": [
                self.node(child, depth + 1) for child in self.children.get(category.id, [])
            ]
            if depth < 10
            else [],
        }

    def roots(self) -> list[dict[str, Any]]:
        return [self.node(root) for root in self.children.get(None, [])]


FALLBACK_SLUG = "danh-muc"


def _free_fallback_slug(session: Session) -> str:
    """For a name with no letter or digit to make a slug of: ``danh-muc``, ``danh-muc-2``..."""
    taken = set(
        session.scalars(select(Category.slug).where(Category.slug.like(FALLBACK_SLUG + "%")))
    )
    return first_free(FALLBACK_SLUG, taken)


def create_category(session: Session, data: dict[str, Any]) -> Category:
    """Add a category; its parent is named by slug."""
    slug = data.get("slug") or slugify(data["name"]) or _free_fallback_slug(session)
    if session.scalar(select(Category.id).where(Category.slug == slug)) is not None:
        raise Conflict(f"the category slug {slug!r} is taken")
    parent_id = None
    if data.get("parent"):
        parent_id = session.scalar(select(Category.id).where(Category.slug == data["parent"]))
        if parent_id is None:
            raise Invalid({"parent": [f"no category has the slug {data['parent']!r}"]})
    category = Category(
        slug=slug,
        name=data["name"],
        name_en=data.get("name_en"),
        parent_id=parent_id,
        position=data.get("position", 0),
    )
    session.add(category)
    session.flush()
    return category


def update_category(session: Session, category: Category, data: dict[str, Any]) -> Category:
    """Rename, re-slug, move (``parent``: a slug, or None for the top) or reorder."""
    if "slug" in data and data["slug"] != category.slug:
        taken = session.scalar(select(Category.id).where(Category.slug == data["slug"]))
        if taken is not None:
            raise Conflict(f"the category slug {data['slug']!r} is taken")
        category.slug = data["slug"]
    if "parent" in data:
        category.parent_id = _new_parent_id(session, category, data["parent"])
    for key in ("name", "name_en", "position"):
        if key in data:
            setattr(category, key, data[key])
    session.flush()
    return category


def _new_parent_id(session: Session, category: Category, parent_slug: str | None) -> int | None:
    """The parent's id; refuses an unknown slug and a move under itself or a descendant."""
    if parent_slug is None:
        return None
    tree = CategoryTree.load(session)
    parent = tree.by_slug(parent_slug)
    if parent is None:
        raise Invalid({"parent": [f"no category has the slug {parent_slug!r}"]})
    if parent.id in tree.subtree_ids(category):
        raise Invalid({"parent": ["a category cannot move under itself or its descendants"]})
    return parent.id
