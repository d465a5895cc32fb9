"""``/v1/tags``: the tags of published articles with how many use each."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from articles.api.schemas import TagListSchema, TagQueryArgsSchema
from articles.extensions import database
from articles.related import tag_counts
from portalkit.api import Blueprint

blp = Blueprint("tags", __name__, url_prefix="/v1/tags", description="Tags, with counts.")


@blp.route("")
class Tags(MethodView):
    @blp.arguments(TagQueryArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, TagListSchema)
    def get(self, limit: int) -> dict[str, Any]:
        """Tags of published articles, most used first: ``slug`` (what ``tag=`` takes),
        ``name``, ``count``."""
        with database().read_session() as session:
            return {"items": [vars(t) for t in tag_counts(session, limit)]}
