"""Preview links: an unpublished article shown as its public page will look, to whoever
holds a link the newsroom signed; never indexed, cached or counted."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from portalkit.preview import PreviewExpired, PreviewRefused, read_preview
from web.errors import error_page
from web.extensions import api_client
from web.fanout import gather
from web.links import article_url, category_url
from web.photos import expand_body
from web.views.pages import chosen_place, figures, label, tree_from, weather_box, weather_part

bp = Blueprint("preview", __name__)


@bp.after_request
def _private(response: Response) -> Response:
    """Every answer here, error pages too: not kept, not indexed, the link not passed on."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/xem-truoc/<token>")
def preview(token: str) -> Response | str:
    """The article page with a "Bản xem trước" banner; 410 for an expired link, 404 for
    one tampered with or an article that no longer exists."""
    config = current_app.config
    try:
        article_id = read_preview(token, config["PREVIEW_SECRET"], config["PREVIEW_MAX_AGE_S"])
    except PreviewExpired:
        return error_page(410)
    except PreviewRefused:
        return error_page(404)
    api = api_client()
    place = chosen_place()
    got = gather(
        article=lambda: api.draft(article_id),
        weather=lambda: weather_part(api, place),
        places=api.places,
        categories=api.categories,
    )
    item = got["article"]
    if isinstance(item, Exception):
        raise item
    tree = tree_from(got["categories"])
    breadcrumb = (item.get("category") or {}).get("breadcrumb") or []
    crumbs = [{"slug": crumb["slug"], "name": label(tree, crumb)} for crumb in breadcrumb]
    return render_template(
        "article.html",
        preview=True,
        noindex=True,
        tree=tree,
        article=item,
        breadcrumb=crumbs,
        breadcrumb_trail=[
            *((crumb["name"], category_url(crumb["slug"])) for crumb in crumbs),
            (item.get("title") or "", article_url(item)),
        ],
        body=expand_body(item.get("body_html") or "", item.get("media") or []),
        figures=figures(item),
        views=None,
        related=[],
        weather=weather_box(got["weather"], got["places"], place),
    )
