"""Read caching for the resources: they ask for an answer, this layer keeps or builds it.

A kept answer is used only while it is current: an article's by its version, a public
list's by the public generation (docs/design-notes.md, "The articles read cache").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Response, request
from sqlalchemy.engine import Connection

from articles import queries, versions
from articles.api.schemas import ArticleSchema
from articles.categories import CategoryTree
from articles.extensions import (
    article_answers,
    count_read,
    database,
    list_answers,
    recent_generation,
    recent_versions,
)
from articles.representation import article_dict, etag
from articles.versions import ArticleVersion
from portalkit.auth import has_scope
from portalkit.http import fresh_requested, json_answer, json_bytes
from portalkit.recent import RecentReads
from portalkit.scopes import DRAFTS_READ

VersionOf = Callable[[Connection], ArticleVersion | None]
T = TypeVar("T")


class Gone(Exception):
    """The article is not there for this reader (the resource answers 404)."""


def article_answer(version_of: VersionOf, asked: Hashable) -> Response:
    """One article's answer with its ``ETag`` (304 when ``If-None-Match`` has it): from the
    cache when it holds the current version, else built from the ORM and kept.
    ``asked`` names the article as the reader asked for it (by id or by slug)."""
    public = not has_scope(DRAFTS_READ)
    if public:  # a published version found lately will do
        current = _lately(recent_versions(), asked, version_of, keep=_published)
    else:
        current = _current(version_of)
    if current is None or (public and current.status != "published"):
        raise Gone
    tag = f'"{current.id}-{current.version}"'
    if request.if_none_match.contains_weak(tag.strip('"')):
        response = Response(status=304)
        response.headers["ETag"] = tag
        return response
    body = article_answers().get(current.key)
    count_read("hit" if body is not None else "miss")
    if body is None:
        body, tag = _build_article(current, public)
    response = json_answer(body)
    response.headers["ETag"] = tag
    return response


def _current(query: Callable[[Connection], T]) -> T:
    with database().single_read() as connection:
        return query(connection)


def _lately(
    reads: RecentReads[T],
    key: Hashable,
    query: Callable[[Connection], T],
    keep: Callable[[T], bool] = lambda _value: True,
) -> T:
    """``query``'s answer as found lately (``reads`` trusts it half a second), unless the
    client asks for the current state (``Cache-Control: no-cache``)."""
    if fresh_requested():
        return _current(query)
    return reads.read(key, lambda: _current(query), keep)


def _published(current: ArticleVersion | None) -> bool:
    return current is not None and current.status == "published"


def _build_article(current: ArticleVersion, public: bool) -> tuple[bytes, str]:
    with database().read_session() as session:
        article = queries.get_article(session, current.id, public=public)
        if article is None:  # deleted or unpublished since its version was read
            raise Gone
        data = ArticleSchema().dump(article_dict(article, CategoryTree.load(session)))
        body = json_bytes(data)
        if (article.version, article.updated_at) == (current.version, current.updated_at):
            article_answers().put(current.key, body)
        return body, etag(article)


LIST_HEADERS = ("Link", "X-Total-Count")


def public_list(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer an anonymous ``GET`` list from the cache, keyed by the public generation,
    the query as sent and the gateway prefix (in the links); on a miss run ``view`` and
    keep its 200 answer with its ``Link`` and ``X-Total-Count``.

    Put outermost: a query asked before is answered before webargs parses it (only a
    query that passed validation was ever kept).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "Authorization" in request.headers:
            return view(*args, **kwargs)
        key = _public_list_key()
        kept = list_answers().get_answer(key)
        if kept is not None:
            count_read("list_hit")
            response = json_answer(kept[0])
            response.headers.extend(kept[1])
            return response
        count_read("list_miss")
        response = view(*args, **kwargs)
        if isinstance(response, Response) and response.status_code == 200:
            headers = tuple((h, response.headers[h]) for h in LIST_HEADERS if h in response.headers)
            list_answers().put(key, response.get_data(), headers)
        return response

    return wrapper


def _public_list_key() -> tuple[Any, ...]:
    # As for one article: the generation found lately will do.
    generation = _lately(recent_generation(), None, versions.public_generation)
    prefix = request.headers.get("X-Forwarded-Prefix", "")
    return (generation, prefix, *sorted(request.args.items(multi=True)))
