"""The counter's HTTP resources: thin wrappers around :class:`counter.counting.ViewCounter`."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from counter.api.schemas import (
    BatchResultSchema,
    BatchSchema,
    CountSchema,
    CountsQueryArgsSchema,
    CountsSchema,
    SetViewsResultSchema,
    SetViewsSchema,
    TopQueryArgsSchema,
    TopSchema,
    ViewResultSchema,
    ViewSchema,
)
from counter.api.view_fields import MAX_ARTICLE_ID
from counter.api.view_lane import (
    FAULT_KEY,
    answer_of,
    count_outcome,
    count_results,
    count_view,
)
from counter.counting import View
from counter.extensions import view_counter, views_metric
from portalkit.api import Blueprint, scoped
from portalkit.auth import require_scope
from portalkit.http import app_metrics
from portalkit.scopes import COUNTER_WRITE

blp = Blueprint(
    "views",
    __name__,
    url_prefix="/v1",
    description="View counts, unique visitors and most-viewed rankings.",
)

ARTICLE = f"<int(min=1, max={MAX_ARTICLE_ID}):article_id>"
# Schemas are given as instances: webargs builds a new schema per request from a class.


def _count_view(body: dict[str, Any]) -> dict[str, Any]:
    outcome = count_view(view_counter(), request.environ, body)
    count_outcome(app_metrics(), views_metric(), outcome)
    return answer_of(outcome)


@blp.route("/views")
class Views(MethodView):
    def dispatch_request(self, **kwargs: Any) -> Any:
        # A plain view or count is answered before Flask (counter.api.view_lane); one
        # that met a fault there comes here to be answered by the app's error handlers.
        fault = request.environ.pop(FAULT_KEY, None)
        if fault is not None:
            raise fault
        return super().dispatch_request(**kwargs)

    @blp.arguments(ViewSchema())
    @blp.response(200, ViewResultSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Record a view of an article.

        Counted only when the article is published, the user agent is not a crawler, the
        address is not excluded, and this visitor has not been counted for the article
        within the window. Without ``visitor_id`` the visitor is a salted hash of address
        and user agent. Behind a trusted proxy the address is read from X-Forwarded-For.
        """
        return _count_view(body)

    @blp.arguments(CountsQueryArgsSchema(), location="query")
    @blp.response(200, CountsSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Views of several articles at once (ids never counted answer 0)."""
        counts = view_counter().counts(args["ids"])
        return {"counts": {str(article_id): views for article_id, views in counts.items()}}


@blp.route(f"/views/{ARTICLE}")
class ArticleViews(MethodView):
    @blp.response(200, CountSchema)
    def get(self, article_id: int) -> dict[str, int]:
        """Views, approximate unique visitors and today's views of one article."""
        return view_counter().count(article_id)

    @require_scope(COUNTER_WRITE)  # outermost: a caller without it learns nothing of the body
    @blp.arguments(SetViewsSchema())
    @blp.response(200, SetViewsResultSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(**scoped(COUNTER_WRITE))
    def put(self, body: dict[str, Any], article_id: int) -> dict[str, int]:
        """Set an article's total, e.g. when migrating counts from an older system."""
        views = view_counter().set_views(article_id, body["views"])
        return {"article_id": article_id, "views": views}


@blp.route("/views/batch")
class BatchViews(MethodView):
    @require_scope(COUNTER_WRITE)
    @blp.arguments(BatchSchema())
    @blp.response(200, BatchResultSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.doc(**scoped(COUNTER_WRITE))
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Record up to 1,000 views at once (log shippers); same rules as one by one.

        Each view gives the reader's address and user agent as logged. The request body
        may be up to 2 MiB (``COUNTER_BATCH_BODY_BYTES``): room for 1,000 views with
        the longest fields allowed; every other request is limited to 16 KiB.
        """
        views = [
            View(
                article_id=item["article_id"],
                address=item["client_ip"],
                user_agent=item["user_agent"],
                visitor_id=item.get("visitor_id"),
            )
            for item in body["views"]
        ]
        tally = view_counter().record_batch(views)
        count_results(app_metrics(), views_metric(), tally)
        counted = tally.pop("counted", 0)
        return {"received": len(views), "counted": counted, "not_counted": tally}


@blp.route("/top")
class Top(MethodView):
    @blp.arguments(TopQueryArgsSchema(), location="query")
    @blp.response(200, TopSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Most viewed published articles over today, 7 days, 30 days, or all time."""
        return {"items": view_counter().top(args["window"], args["limit"])}
