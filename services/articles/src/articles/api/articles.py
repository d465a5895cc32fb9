"""``/v1/articles``: lists and search, reads by id and slug, writes, revisions."""

from __future__ import annotations

import json
import logging
import re
from functools import partial
from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView

from articles import queries, store, versions
from articles.api import cached
from articles.api.list_links import cursor_links, page_links
from articles.api.schemas import (
    MAX_ID,
    SLUG,
    ArticleCreateSchema,
    ArticleListSchema,
    ArticleQueryArgsSchema,
    ArticleSchema,
    ArticleUpdateSchema,
    RelatedListSchema,
    RelatedQueryArgsSchema,
    RevisionListSchema,
    RevisionSchema,
)
from articles.categories import CategoryTree
from articles.cursors import DEFAULT_ORDER, Cursor, sort_value
from articles.errors import NotFound
from articles.extensions import count_write, database
from articles.models import Article, Revision
from articles.related import related_articles
from articles.representation import article_dict, etag, iso
from portalkit.api import Blueprint, scoped
from portalkit.auth import (
    Unauthorized,
    actor,
    check_scope,
    has_scope,
    require_scope,
    token_holder,
)
from portalkit.scopes import ARTICLES_PUBLISH, ARTICLES_WRITE, DRAFTS_READ

log = logging.getLogger(__name__)

blp = Blueprint(
    "articles",
    __name__,
    url_prefix="/v1/articles",
    description="Articles: lists, accent-insensitive search, reads by id or slug, editing.",
)


@blp.after_request
def _vary_by_token(response: Response) -> Response:
    """Token holders see drafts: a cache must not serve their answers to the public."""
    response.vary.add("Authorization")
    return response


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "the ETag the change is based on; 412 when it is no longer current",
}
FORBIDDEN_WRITE = "the token lacks the scope this change needs (articles.publish beyond drafts)"
ETAG_HEADER = {"ETag": {"description": "the article's version", "schema": {"type": "string"}}}


def _not_found(what: str) -> NotFound:
    return NotFound(f"no {what}")


def _check_id(article_id: int) -> None:
    if article_id > MAX_ID:
        raise _not_found(f"article has the id {article_id}")


def _with_etag(article: Article, tree: CategoryTree, status: int = 200) -> Any:
    return article_dict(article, tree), status, {"ETag": etag(article)}


def _written(operation: str, article_id: int, version: int | None = None) -> None:
    """Count a committed write and log it with who made it (token and actor)."""
    count_write(operation)
    log.info(
        "article written",
        extra={
            "operation": operation,
            "article_id": article_id,
            "version": version,
            "token": token_holder(),
            "actor": actor(),
        },
    )


def _revision_dict(revision: Revision) -> dict[str, Any]:
    return {
        "version": revision.version,
        "editor": revision.editor,
        "actor": revision.actor,
        "created_at": iso(revision.created_at),
        "article": json.loads(revision.snapshot),
    }


LIST_HEADERS = {
    "Link": {
        "description": "RFC 8288 links: first, prev, next, last (a cursor walk: first, next)",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {"description": "matching articles in all", "schema": {"type": "integer"}},
}


def _list_answer(
    filters: queries.ArticleFilters, field_set: list[str] | None
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The list body (items with only ``field_set`` when given), with its Link and
    X-Total-Count headers."""
    with database().read_session() as session:
        tree = CategoryTree.load(session)
        found = queries.list_articles(session, tree, filters)
        page, per_page = filters.page, filters.per_page
        if filters.ids is not None:
            page, per_page = 1, len(filters.ids)
        items = [article_dict(a, tree, body=False) for a in found.items]
        next_cursor = None
        if found.more and found.items and filters.ids is None:
            order = filters.order or DEFAULT_ORDER
            last = found.items[-1]
            next_cursor = Cursor(order, sort_value(order, last), last.id).encode()
    if field_set:
        wanted = {"id", *field_set}
        items = [{k: v for k, v in item.items() if k in wanted} for item in items]
    body = {
        "items": items,
        "total": found.total,
        "page": page,
        "per_page": per_page,
        "next_cursor": next_cursor,
    }
    if filters.after is not None:
        links = cursor_links(next_cursor)
    else:
        links = page_links(page, per_page, found.total)
    return body, 200, {"Link": links, "X-Total-Count": str(found.total)}


def _expected_versions(article_id: int) -> set[int] | None:
    """Versions named by ``If-Match`` (None when absent or ``*``)."""
    if "If-Match" not in request.headers or request.if_match.star_tag:
        return None
    versions = set()
    for tag in request.if_match.as_set(include_weak=False):
        match = re.fullmatch(rf"{article_id}-(\d{{1,9}})", tag or "")
        if match:
            versions.add(int(match.group(1)))
    return versions


@blp.route("")
class Articles(MethodView):
    @cached.public_list
    @blp.arguments(ArticleQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, ArticleListSchema, headers=LIST_HEADERS)
    def get(self, **args: Any) -> Any:
        """List articles, newest first; ``q`` searches (best match first), ``ids`` batches.

        The public sees published articles; a token with ``drafts.read`` sees every
        status, or the one named by ``status``. ``order`` sorts otherwise; filters narrow
        (each ``tag`` named, ``author``, a publication period); ``fields`` trims the items.
        Pages by ``page``, or walks by ``after`` (each answer's ``next_cursor``): a cursor
        walk sees every article once, however many are published meanwhile.
        """
        status = args.get("status")
        if status and status != "published":
            if token_holder() is None:
                raise Unauthorized("filtering by status needs an Authorization: Bearer token")
            check_scope(DRAFTS_READ)
        statuses = (status,) if status else (None if has_scope(DRAFTS_READ) else ("published",))
        filters = queries.ArticleFilters(
            category=args.get("category"),
            q=args.get("q"),
            tags=tuple(args.get("tag") or ()),
            language=args.get("language"),
            statuses=statuses,
            author=args.get("author"),
            published_after=args.get("published_after"),
            published_before=args.get("published_before"),
            ids=args.get("ids"),
            order=args.get("order"),
            after=args.get("after"),
            page=args["page"],
            per_page=args["per_page"],
        )
        return _list_answer(filters, args.get("field_set"))

    @require_scope(ARTICLES_WRITE, ARTICLES_PUBLISH)
    @blp.arguments(ArticleCreateSchema)
    @blp.response(201, ArticleSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, description="the slug is taken")
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description=FORBIDDEN_WRITE)
    @blp.doc(**scoped(ARTICLES_WRITE, ARTICLES_PUBLISH))
    def post(self, data: dict[str, Any]) -> Any:
        """Create an article (201 with ``Location``); the slug comes from the title unless given.

        ``articles.write`` creates drafts and articles in review; any other status needs
        ``articles.publish``.
        """
        with database().write_session() as session:
            article = store.create_article(
                session,
                data,
                may_publish=has_scope(ARTICLES_PUBLISH),
                editor=token_holder(),
                actor=actor(),
            )
            body, status, headers = _with_etag(article, CategoryTree.load(session), 201)
        _written("article.create", article.id, article.version)
        headers["Location"] = url_for("articles.ArticleById", article_id=article.id)
        return body, status, headers


@blp.route("/<int:article_id>")
class ArticleById(MethodView):
    @blp.response(200, ArticleSchema, headers=ETAG_HEADER)
    @blp.alt_response(304, description="not modified since the ETag in If-None-Match")
    def get(self, article_id: int) -> Any:
        """One article, with an ``ETag``; ``If-None-Match`` answers 304 when unchanged."""
        _check_id(article_id)
        try:
            return cached.article_answer(
                partial(versions.version_by_id, article_id=article_id), ("id", article_id)
            )
        except cached.Gone:
            raise _not_found(f"article has the id {article_id}") from None

    @require_scope(ARTICLES_WRITE, ARTICLES_PUBLISH)
    @blp.arguments(ArticleUpdateSchema)
    @blp.response(200, ArticleSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, description="the slug is taken")
    @blp.alt_response(412, description="If-Match names a version that is no longer current")
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description=FORBIDDEN_WRITE)
    @blp.doc(parameters=[IF_MATCH], **scoped(ARTICLES_WRITE, ARTICLES_PUBLISH))
    def patch(self, changes: dict[str, Any], article_id: int) -> Any:
        """Change some fields; the prior version is kept as a revision.

        ``articles.write`` edits drafts and articles in review that stay so; publishing,
        scheduling, unpublishing and editing a published, scheduled or archived article
        need ``articles.publish``.
        """
        _check_id(article_id)
        with database().write_session() as session:
            article = store.update_article(
                session,
                article_id,
                changes,
                editor=token_holder(),
                expected_versions=_expected_versions(article_id),
                may_publish=has_scope(ARTICLES_PUBLISH),
                actor=actor(),
            )
            answer = _with_etag(article, CategoryTree.load(session))
        _written("article.update", article_id, article.version)
        return answer

    @require_scope(ARTICLES_PUBLISH)
    @blp.response(204)
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description="the token lacks articles.publish")
    @blp.alt_response(412, description="If-Match names a version that is no longer current")
    @blp.doc(parameters=[IF_MATCH], **scoped(ARTICLES_PUBLISH))
    def delete(self, article_id: int) -> None:
        """Delete an article for good (its events tell consumers to forget it)."""
        _check_id(article_id)
        with database().write_session() as session:
            store.delete_article(
                session,
                article_id,
                expected_versions=_expected_versions(article_id),
                actor=actor(),
            )
        _written("article.delete", article_id)


@blp.route("/by-slug/<string:slug>")
class ArticleBySlug(MethodView):
    @blp.response(200, ArticleSchema, headers=ETAG_HEADER)
    @blp.alt_response(304, description="not modified since the ETag in If-None-Match")
    def get(self, slug: str) -> Any:
        """One article by its slug or a slug it had before; ``slug`` in the answer is current."""
        if not SLUG.match(slug) or len(slug) > 200:
            raise _not_found(f"article has the slug {slug!r}")
        try:
            return cached.article_answer(
                lambda connection: versions.version_by_slug(connection, slug), ("slug", slug)
            )
        except cached.Gone:
            raise _not_found(f"article has the slug {slug!r}") from None


@blp.route("/<int:article_id>/related")
class RelatedArticles(MethodView):
    @blp.arguments(RelatedQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, RelatedListSchema)
    def get(self, article_id: int, limit: int) -> dict[str, Any]:
        """Published articles sharing this one's tags (accents ignored) or its category,
        the most shared first."""
        _check_id(article_id)
        with database().read_session() as session:
            article = queries.get_article(session, article_id, public=not has_scope(DRAFTS_READ))
            if article is None:
                raise _not_found(f"article has the id {article_id}")
            tree = CategoryTree.load(session)
            items = related_articles(session, article, limit)
            return {"items": [article_dict(a, tree, body=False) for a in items]}


@blp.route("/<int:article_id>/revisions")
class ArticleRevisions(MethodView):
    @require_scope(DRAFTS_READ)
    @blp.response(200, RevisionListSchema)
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description="the token lacks drafts.read")
    @blp.doc(**scoped(DRAFTS_READ))
    def get(self, article_id: int) -> dict[str, Any]:
        """Earlier versions of an article, newest first, each with who made it and when;
        ``current`` says who made the version the article is at."""
        _check_id(article_id)
        with database().read_session() as session:
            article = queries.get_article(session, article_id, public=False)
            if article is None:
                raise _not_found(f"article has the id {article_id}")
            items = [_revision_dict(r) for r in queries.list_revisions(session, article_id)]
            current = {
                "version": article.version,
                "editor": article.editor,
                "actor": article.actor,
                "created_at": iso(article.updated_at),
            }
        return {"items": items, "total": len(items), "current": current}


@blp.route("/<int:article_id>/revisions/<int:version>")
class ArticleRevision(MethodView):
    @require_scope(DRAFTS_READ)
    @blp.response(200, RevisionSchema)
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description="the token lacks drafts.read")
    @blp.doc(**scoped(DRAFTS_READ))
    def get(self, article_id: int, version: int) -> dict[str, Any]:
        """One earlier version of an article, with who made it and when."""
        _check_id(article_id)
        with database().read_session() as session:
            revision = queries.get_revision(session, article_id, min(version, MAX_ID))
            if revision is None:
                raise _not_found(f"revision {version} of article {article_id}")
            return _revision_dict(revision)


@blp.route("/<int:article_id>/revisions/<int:version>/restore")
class RestoreRevision(MethodView):
    @require_scope(ARTICLES_PUBLISH)
    @blp.response(200, ArticleSchema, headers=ETAG_HEADER)
    @blp.alt_response(401, description="no valid bearer token")
    @blp.alt_response(403, description="the token lacks articles.publish")
    @blp.alt_response(412, description="If-Match names a version that is no longer current")
    @blp.alt_response(422, description="the revision names a category that no longer exists")
    @blp.doc(parameters=[IF_MATCH], **scoped(ARTICLES_PUBLISH))
    def post(self, article_id: int, version: int) -> Any:
        """Make a new version with this revision's content (title, lead, body, category,
        byline, source, language, images, tags); status, time and slug stay as they are."""
        _check_id(article_id)
        with database().write_session() as session:
            article = store.restore_revision(
                session,
                article_id,
                min(version, MAX_ID),
                editor=token_holder(),
                actor=actor(),
                expected_versions=_expected_versions(article_id),
            )
            answer = _with_etag(article, CategoryTree.load(session))
        _written("article.restore", article_id, article.version)
        return answer
