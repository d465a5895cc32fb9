"""``/v1/categories``: the tree, one category with its breadcrumb, creation, changes."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from articles.api.schemas import (
    SLUG,
    CategoryCreateSchema,
    CategorySchema,
    CategoryTreeSchema,
    CategoryUpdateSchema,
)
from articles.categories import CategoryTree, create_category, update_category
from articles.errors import NotFound
from articles.extensions import count_write, database
from articles.models import Category
from portalkit.api import Blueprint, scoped
from portalkit.auth import require_scope
from portalkit.scopes import CATEGORIES_WRITE

blp = Blueprint(
    "categories",
    __name__,
    url_prefix="/v1/categories",
    description="The category tree (Tin trong tỉnh > An ninh - Quốc phòng...).",
)


@blp.route("")
class Categories(MethodView):
    @blp.response(200, CategoryTreeSchema)
    def get(self) -> dict[str, Any]:
        """The whole tree: root categories with their children, recursively."""
        with database().read_session() as session:
            return {"items": CategoryTree.load(session).roots()}

    @require_scope(CATEGORIES_WRITE)
    @blp.arguments(CategoryCreateSchema)
    @blp.response(201, CategorySchema)
    @blp.alt_response(409, description="the slug is taken")
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description="the token lacks categories.write")
    @blp.doc(**scoped(CATEGORIES_WRITE))
    def post(self, data: dict[str, Any]) -> Any:
        """Add a category; ``parent`` is the slug of an existing one."""
        with database().write_session() as session:
            category = create_category(session, data)
            node = CategoryTree.load(session).node(category)
        count_write("category.create")
        location = url_for("categories.CategoryBySlug", slug=node["slug"])
        return node, 201, {"Location": location}


def _category(tree: CategoryTree, slug: str) -> Category:
    """The category with ``slug``, or 404."""
    category = tree.by_slug(slug) if SLUG.match(slug) else None
    if category is None:
        raise NotFound(f"no category has the slug {slug!r}")
    return category


@blp.route("/<string:slug>")
class CategoryBySlug(MethodView):
    @blp.response(200, CategorySchema)
    def get(self, slug: str) -> dict[str, Any]:
        """One category with its breadcrumb and children."""
        with database().read_session() as session:
            tree = CategoryTree.load(session)
            return tree.node(_category(tree, slug))

    @require_scope(CATEGORIES_WRITE)
    @blp.arguments(CategoryUpdateSchema)
    @blp.response(200, CategorySchema)
    @blp.alt_response(404, description="no such category")
    @blp.alt_response(409, description="the new slug is taken")
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description="the token lacks categories.write")
    @blp.doc(**scoped(CATEGORIES_WRITE))
    def patch(self, data: dict[str, Any], slug: str) -> dict[str, Any]:
        """Rename, re-slug, move (``parent``; null: to the top) or reorder a category."""
        with database().write_session() as session:
            category = _category(CategoryTree.load(session), slug)
            update_category(session, category, data)
            node = CategoryTree.load(session).node(category)
        count_write("category.update")
        return node
