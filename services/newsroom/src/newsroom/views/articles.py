"""The article desk: the list, the editor, saving through the workflow, autosave."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from newsroom import audit, extensions
from newsroom.article_form import Draft, FormError
from newsroom.categories_tree import choices
from newsroom.conflicts import conflict_report
from newsroom.desk_api import ApiError, Unavailable, Versioned
from newsroom.guard import client_address, current_user, requires
from newsroom.models import User
from newsroom.workflow import ACTIONS, STATUS_AFTER, may_act, may_edit, record_owner
from portalkit.preview import sign_preview

bp = Blueprint("desk", __name__)
UPLOAD_ENDPOINT = "media.upload"
PER_PAGE = 20
FILTERS = ("status", "category", "author", "q")
SAVED = {
    "restored": "Đã khôi phục thành phiên bản mới.",
    "created": "Đã tạo bản nháp.",
    "save": "Đã lưu.",
    "submit": "Đã gửi duyệt.",
    "publish": "Đã đăng bài.",
    "schedule": "Đã hẹn giờ đăng.",
    "unpublish": "Đã gỡ bài.",
}


def signed_in() -> User:
    user = current_user()
    assert user is not None
    return user


@bp.get("/articles")
@requires("author")
def articles() -> str:
    """Newest first, filtered by status, category, author and text, with view counts."""
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    page = max(1, request.args.get("page", 1, type=int) or 1)
    actor, api = signed_in().username, extensions.desk_api()
    listing: dict[str, Any] = api.articles(actor, page=page, per_page=PER_PAGE, **filters)
    ids = [item["id"] for item in listing["items"]]
    try:
        views = api.view_counts(actor, ids)
    except (ApiError, Unavailable):  # counts are a nicety; the list stands without them
        views = {}
    return render_template(
        "desk/articles.html", listing=listing, views=views, filters=filters, page=page
    )


def editor_page(
    draft: Draft,
    article: dict[str, Any] | None = None,
    etag: str = "",
    status: int = 200,
    **extra: Any,
) -> tuple[str, int]:
    user = signed_in()
    tree = extensions.desk_api().categories(user.username)
    return render_template(
        "desk/edit.html",
        draft=draft,
        article=article,
        etag=etag,
        categories=choices(tree),
        may_publish=may_act(user, "publish"),
        preview_available=article is not None,
        saved=SAVED.get(request.args.get("saved", "")),
        **extra,
    ), status


@bp.get("/articles/new")
@requires("author")
def new() -> tuple[str, int]:
    return editor_page(Draft(author=signed_in().display_name))


@bp.post("/articles")
@requires("author")
def create() -> Response | tuple[str, int]:
    user, draft = signed_in(), Draft.from_form(request.form)
    try:
        made = extensions.desk_api().create(user.username, {**draft.fields(), "status": "draft"})
    except FormError as exc:
        draft.errors = exc.errors
        return editor_page(draft, status=422)
    except ApiError as exc:
        draft.errors = refusal_errors(exc)
        return editor_page(draft, status=422 if exc.status in (409, 422) else exc.status)
    article_id = int(made.article["id"])
    with extensions.database().session() as db:
        record_owner(db, article_id, user.username)
        audit.record(
            db, user.username, "article.created", str(article_id), draft.title, client_address()
        )
    return redirect(url_for("desk.edit", article_id=article_id, saved="created"))


def editable(article_id: int) -> Versioned:
    """The article, if the signed-in user may change it (403 otherwise)."""
    user = signed_in()
    try:
        current = extensions.desk_api().article(user.username, article_id)
    except ApiError as exc:
        abort(404 if exc.status == 404 else 502)
    with extensions.database().session() as db:
        if not may_edit(db, user, current.article):
            abort(403)
    return current


@bp.get("/articles/<int:article_id>/preview")
@requires("author")
def preview(article_id: int) -> Response:
    """Open the article as the public page will show it: a signed, expiring link to the
    web's preview route (``/xem-truoc/<token>``)."""
    editable(article_id)
    config = current_app.config
    token = sign_preview(article_id, config["PREVIEW_SECRET"])
    base = config["PUBLIC_URL"] or config["WEB_URL"]
    return redirect(f"{base}/xem-truoc/{token}")


@bp.get("/articles/<int:article_id>")
@requires("author")
def edit(article_id: int) -> tuple[str, int]:
    current = editable(article_id)
    return editor_page(Draft.from_article(current.article), current.article, current.etag)


def workflow_fields(action: str, draft: Draft) -> dict[str, Any]:
    """What an action changes besides the text: the status, and for a schedule its time."""
    fields: dict[str, Any] = {}
    if action in STATUS_AFTER:
        fields["status"] = STATUS_AFTER[action]
    if action == "schedule":
        fields["published_at"] = draft.publish_at()
    return fields


@bp.post("/articles/<int:article_id>")
@requires("author")
def save(article_id: int) -> Response | tuple[str, int]:
    """Save the editor's text, with the workflow step its button names."""
    user, action = signed_in(), request.form.get("action", "save")
    if action not in ACTIONS:
        abort(400)
    if not may_act(user, action):
        abort(403)
    current = editable(article_id)
    draft, etag = Draft.from_form(request.form), request.form.get("etag", "")
    try:
        fields = {**draft.fields(), **workflow_fields(action, draft)}
        extensions.desk_api().update(user.username, article_id, fields, etag)
    except FormError as exc:
        draft.errors = exc.errors
        return editor_page(draft, current.article, etag, 422)
    except ApiError as exc:
        if exc.status == 412:
            return stale_save(article_id, draft, etag)
        if exc.status == 403:
            abort(403)
        draft.errors = refusal_errors(exc)
        return editor_page(draft, current.article, etag, 422 if exc.status < 500 else 502)
    with extensions.database().session() as db:
        audit.record(
            db, user.username, f"article.{action}", str(article_id), draft.title, client_address()
        )
    return redirect(url_for("desk.edit", article_id=article_id, saved=action))


def stale_save(article_id: int, draft: Draft, based_on: str) -> tuple[str, int]:
    """412: someone saved first. Keep the person's text in the form, say what changed,
    and base the next save on the current version so that it can go through."""
    actor, api = signed_in().username, extensions.desk_api()
    current = api.article(actor, article_id)
    report = conflict_report(api, actor, current, draft, based_on)
    return editor_page(draft, current.article, current.etag, 409, conflict=report)


@bp.patch("/articles/<int:article_id>")
@requires("author")
def autosave(article_id: int) -> Response | tuple[Response, int]:
    """The editor's timer: save a draft's text (JSON in, the new ETag out)."""
    user, body = signed_in(), request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="expected a JSON object"), 400
    current = editable(article_id)
    if current.article.get("status") != "draft":
        return jsonify(error="only drafts are saved automatically"), 409
    form = {key: str(value) for key, value in body.items() if isinstance(value, str)}
    draft = Draft.from_form(form)  # type: ignore[arg-type]
    try:
        saved = extensions.desk_api().update(
            user.username, article_id, draft.fields(), form.get("etag", "")
        )
    except FormError as exc:
        return jsonify(error="invalid", errors=exc.errors), 422
    except ApiError as exc:
        if exc.status == 412:
            return jsonify(conflict=True, error=CONFLICT_NOTE), 412
        return jsonify(error=exc.detail, errors=exc.errors), 422
    return jsonify(etag=saved.etag, version=saved.article.get("version"))


CONFLICT_NOTE = (
    "Bài đã được người khác sửa; tự động lưu đã dừng. Hãy bấm Lưu để xem thay đổi và gộp."
)


def refusal_errors(exc: ApiError) -> dict[str, str]:
    """The API's field errors, one line each, or its detail."""
    errors = {
        key: "; ".join(value) if isinstance(value, list) else str(value)
        for key, value in exc.errors.items()
    }
    return errors or {"form": exc.detail or f"Dịch vụ bài viết từ chối (HTTP {exc.status})."}
