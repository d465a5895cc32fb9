"""Article writes: create, edit, delete, scheduled publication.

Every function here runs inside the caller's transaction and records the event of the
change in the outbox (:mod:`articles.outbox`) in that same transaction. Routes, the
relay and the seeding command all write through these functions.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from articles import outbox, queries, rights
from articles.errors import Conflict, Invalid, NotFound, PreconditionFailed
from articles.media import usage
from articles.models import (
    Article,
    ArticleImage,
    ArticleTag,
    Category,
    Revision,
    SlugHistory,
    utcnow,
)
from articles.representation import iso, snapshot
from articles.sanitize import clean_html, plain_text
from articles.vietnamese import first_free, fold, slugify
from portalkit.events import (
    ArticleDeleted,
    ArticleEvent,
    ArticlePublished,
    ArticleUnpublished,
    ArticleUpdated,
)

EDITABLE = (
    "title",
    "summary",
    "body_html",
    "author",
    "source",
    "language",
    "status",
    "published_at",
)
FALLBACK_SLUG = "bai-viet"
SCHEDULER = "scheduler"
"""The editor of the version the relay makes when a scheduled article's time comes."""


# slugs -----------------------------------------------------------------------------


def lock_slug(session: Session, slug: str) -> None:
    """Make writers that want ``slug`` (or to derive from it) take turns.

    On PostgreSQL a transaction-scoped advisory lock on the slug's hash: the second
    writer waits for the first to commit, then sees its slug as taken. SQLite write
    transactions already take turns (``BEGIN IMMEDIATE``).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"articles:slug:{slug}"))))


def slug_owner(session: Session, slug: str) -> int | None:
    """The article that has or had ``slug``."""
    owner = session.scalar(select(Article.id).where(Article.slug == slug))
    if owner is None:
        owner = session.scalar(select(SlugHistory.article_id).where(SlugHistory.slug == slug))
    return owner


def free_slug(session: Session, base: str, article_id: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no other article has or had."""
    base = base or FALLBACK_SLUG
    pattern = f"{base}-%"
    taken = set(
        session.scalars(
            select(Article.slug).where(
                or_(Article.slug == base, Article.slug.like(pattern)),
                Article.id != (article_id or 0),
            )
        )
    )
    taken |= set(
        session.scalars(
            select(SlugHistory.slug).where(
                or_(SlugHistory.slug == base, SlugHistory.slug.like(pattern)),
                SlugHistory.article_id != (article_id or 0),
            )
        )
    )
    return first_free(base, taken)


def old_slugs(session: Session, article_id: int) -> list[str]:
    return list(
        session.scalars(
            select(SlugHistory.slug)
            .where(SlugHistory.article_id == article_id)
            .order_by(SlugHistory.retired_at, SlugHistory.slug)
        )
    )


def _change_slug(session: Session, article: Article, slug: str) -> None:
    lock_slug(session, slug)
    owner = slug_owner(session, slug)
    if owner is not None and owner != article.id:
        raise Conflict(f"the slug {slug!r} is taken by another article")
    if slug == article.slug:
        return
    session.execute(delete(SlugHistory).where(SlugHistory.slug == slug))
    session.add(SlugHistory(slug=article.slug, article_id=article.id))
    article.slug = slug


# fields ------------------------------------------------------------------------------


def _category(session: Session, slug: str) -> Category:
    category = session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise Invalid({"category": [f"no category has the slug {slug!r}"]})
    return category


def _set_images(article: Article, images: list[dict[str, Any]]) -> None:
    article.images = [
        ArticleImage(
            url=image.get("url"),
            media_id=image.get("media_id"),
            caption=image.get("caption"),
            alt=image.get("alt"),
            position=image.get("position", index),
        )
        for index, image in enumerate(images)
    ]


def _set_tags(article: Article, tags: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in tags:
        name = " ".join(name.split())
        slug = slugify(name)
        if slug and slug not in seen:
            seen[slug] = name
    current = {tag.slug: tag for tag in article.tags}
    article.tags = [
        current.get(slug) or ArticleTag(slug=slug, name=name) for slug, name in seen.items()
    ]
    for position, tag in enumerate(article.tags):
        tag.name = seen[tag.slug]
        tag.position = position


def _index(article: Article) -> None:
    """Refresh the folded search text (title apart, so it can weigh more)."""
    article.search_title = fold(article.title)
    captions = " ".join(usage.caption_of(image) or "" for image in article.images)
    tags = " ".join(tag.name for tag in article.tags)
    article.search_body = fold(
        " ".join([article.summary or "", plain_text(article.body_html or ""), captions, tags])
    )


def _check_schedule(article: Article, now: datetime) -> None:
    if article.status == "scheduled" and article.published_at is None:
        raise Invalid({"published_at": ["a scheduled article needs a publication time"]})
    if article.status == "published" and article.published_at is None:
        article.published_at = now


# events ------------------------------------------------------------------------------


def _event(
    session: Session, cls: type[ArticleEvent], article: Article, actor: str | None = None
) -> ArticleEvent:
    event = cls(
        article_id=article.id,
        slug=article.slug,
        category=article.category.slug if article.category else None,
        status=article.status,
        version=article.version,
        published_at=iso(article.published_at),
        old_slugs=old_slugs(session, article.id),
        actor=actor,
    )
    outbox.record(session, event)
    return event


def _transition_event(was_published: bool, is_published: bool) -> type[ArticleEvent] | None:
    if is_published:
        return ArticleUpdated if was_published else ArticlePublished
    return ArticleUnpublished if was_published else None


# writes ------------------------------------------------------------------------------


def create_article(
    session: Session,
    data: dict[str, Any],
    may_publish: bool = True,
    editor: str | None = None,
    actor: str | None = None,
) -> Article:
    """Add an article from validated fields; its slug comes from the title unless given.

    Without ``may_publish`` only a draft or an article in review may be created (403).
    ``editor`` (the token) and ``actor`` (the person it named) made this first version.
    """
    rights.check_transition(may_publish, None, data.get("status") or "draft")
    now = utcnow()
    category = _category(session, data["category"])
    lock_slug(session, data.get("slug") or slugify(data["title"]) or FALLBACK_SLUG)
    if data.get("slug"):
        if slug_owner(session, data["slug"]) is not None:
            raise Conflict(f"the slug {data['slug']!r} is taken by another article")
        slug = data["slug"]
    else:
        slug = free_slug(session, slugify(data["title"]))
    article = Article(
        slug=slug,
        title=data["title"],
        summary=data.get("summary") or "",
        body_html=clean_html(data.get("body_html") or ""),
        category=category,
        author=data.get("author"),
        source=data.get("source"),
        language=data.get("language") or "vi",
        status=data.get("status") or "draft",
        published_at=data.get("published_at"),
        created_at=now,
        updated_at=now,
        version=1,
        editor=editor,
        actor=actor,
    )
    _check_schedule(article, now)
    _set_images(article, data.get("images") or [])
    _set_tags(article, data.get("tags") or [])
    usage.link_photos(session, article)
    _index(article)
    session.add(article)
    session.flush()
    if article.status == "published":
        _event(session, ArticlePublished, article, actor)
    return article


def load_for_update(session: Session, article_id: int) -> Article:
    article = session.scalar(
        select(Article).where(Article.id == article_id).with_for_update(of=Article)
    )
    if article is None:
        raise NotFound(f"no article has the id {article_id}")
    return article


def _check_version(article: Article, expected_versions: Collection[int] | None) -> None:
    if expected_versions is not None and article.version not in expected_versions:
        raise PreconditionFailed(
            f"the article is at version {article.version}; If-Match names another"
        )


def update_article(
    session: Session,
    article_id: int,
    changes: dict[str, Any],
    editor: str | None = None,
    expected_versions: Collection[int] | None = None,
    may_publish: bool = True,
    actor: str | None = None,
) -> Article:
    """Apply ``changes`` (the fields given), keep the prior version as a revision.

    ``expected_versions`` (from ``If-Match``) must include the current version. Changes that
    leave the article as it was do not make a new version. Without ``may_publish`` only
    an article in draft or review that stays so may be changed (403).
    """
    now = utcnow()
    article = load_for_update(session, article_id)
    _check_version(article, expected_versions)
    rights.check_transition(may_publish, article.status, changes.get("status", article.status))
    before = snapshot(article)
    made_by, made_at = (article.editor, article.actor), article.updated_at
    was_published = article.status == "published"
    for name in EDITABLE:
        if name in changes:
            value = changes[name]
            if name == "body_html":
                value = clean_html(value or "")
            elif name == "summary":
                value = value or ""
            setattr(article, name, value)
    if "category" in changes:
        article.category = _category(session, changes["category"])
    if "images" in changes:
        _set_images(article, changes["images"] or [])
    if "tags" in changes:
        _set_tags(article, changes["tags"] or [])
    if changes.get("slug"):
        _change_slug(session, article, changes["slug"])
    _check_schedule(article, now)
    usage.link_photos(session, article)
    session.flush()
    after = snapshot(article)
    if {k: v for k, v in after.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"
    }:
        return article
    _keep_revision(session, article.id, before, made_by, made_at)
    article.version += 1
    article.updated_at = now
    article.editor, article.actor = editor, actor
    _index(article)
    session.flush()
    event = _transition_event(was_published, article.status == "published")
    if event is not None:
        _event(session, event, article, actor)
    return article


def _keep_revision(
    session: Session,
    article_id: int,
    kept: dict[str, Any],
    made_by: tuple[str | None, str | None],
    made_at: datetime,
) -> None:
    """Keep the version ``kept`` (a snapshot) with who made it and when."""
    session.add(
        Revision(
            article_id=article_id,
            version=kept["version"],
            snapshot=json.dumps(kept, ensure_ascii=False),
            editor=made_by[0],
            actor=made_by[1],
            created_at=made_at,
        )
    )


RESTORED = ("title", "summary", "body_html", "category", "author", "source", "language")
"""What a restore brings back, with the images and tags: the content, not the status,
publication time or slug of the article as it is now."""


def restore_revision(
    session: Session,
    article_id: int,
    version: int,
    editor: str | None = None,
    actor: str | None = None,
    expected_versions: Collection[int] | None = None,
) -> Article:
    """Make a new version with the content of revision ``version`` (404 when not kept)."""
    revision = queries.get_revision(session, article_id, version)
    if revision is None:
        raise NotFound(f"article {article_id} has no revision {version}")
    kept = json.loads(revision.snapshot)
    changes: dict[str, Any] = {name: kept.get(name) for name in RESTORED}
    changes["images"] = [
        {key: value for key, value in image.items() if value is not None}
        for image in kept.get("images") or []
    ]
    changes["tags"] = kept.get("tags") or []
    changes["language"] = changes["language"] or "vi"
    return update_article(
        session,
        article_id,
        changes,
        editor=editor,
        expected_versions=expected_versions,
        actor=actor,
    )


def delete_article(
    session: Session,
    article_id: int,
    expected_versions: Collection[int] | None = None,
    actor: str | None = None,
) -> None:
    """Remove an article with its images, tags, revisions and old slugs."""
    article = load_for_update(session, article_id)
    _check_version(article, expected_versions)
    _event(session, ArticleDeleted, article, actor)
    session.delete(article)
    session.flush()


def refresh_articles(session: Session, article_ids: Collection[int]) -> None:
    """Articles whose photos changed: a new ``updated_at`` (cached answers are rebuilt) and
    ``article.updated`` for the published ones. The version stays: the article's own
    fields are as they were."""
    if not article_ids:
        return
    now = utcnow()
    query = select(Article).where(Article.id.in_(article_ids)).with_for_update(of=Article)
    for article in session.scalars(query):
        article.updated_at = now
        if article.status == "published":
            _event(session, ArticleUpdated, article)


def publish_due(
    session: Session, now: datetime | None = None, skip_locked: bool = False, limit: int = 100
) -> list[Article]:
    """Publish scheduled articles whose time has come; each gets one article.published."""
    now = now or utcnow()
    query = (
        select(Article)
        .where(Article.status == "scheduled", Article.published_at <= now)
        .order_by(Article.published_at, Article.id)
        .limit(limit)
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True, of=Article)
    due = list(session.scalars(query))
    for article in due:
        made_by = (article.editor, article.actor)
        _keep_revision(session, article.id, snapshot(article), made_by, article.updated_at)
        article.status = "published"
        article.version += 1
        article.updated_at = now
        article.editor, article.actor = SCHEDULER, None
        session.flush()
        _event(session, ArticlePublished, article)
    return due


def reannounce_published(session: Session, after_id: int = 0, limit: int = 500) -> list[int]:
    """Record an ``article.updated`` with the state of published articles after ``after_id``.

    For consumers that lost what they had learnt (a Redis restarted without its data):
    the stream says again which articles are published. Returns the ids covered, in
    order (none once past the last).
    """
    query = (
        select(Article)
        .where(Article.status == "published", Article.id > after_id)
        .options(selectinload(Article.category))
        .order_by(Article.id)
        .limit(limit)
    )
    ids = []
    for article in session.scalars(query):
        _event(session, ArticleUpdated, article)
        ids.append(article.id)
    return ids
