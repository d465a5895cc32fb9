"""Photos: the library for the editor's picker, uploads, and the renditions themselves."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request

from newsroom import audit, extensions
from newsroom.desk_api import ApiError
from newsroom.guard import client_address, requires
from newsroom.views.articles import signed_in
from portalkit.http_client import relayed

bp = Blueprint("media", __name__)
PASSED_BACK = ("Content-Type", "Content-Length", "ETag", "Cache-Control")


def photo(item: dict[str, Any]) -> dict[str, Any]:
    """What the picker needs of a library item: a preview URL, a URL for the body."""
    renditions = sorted(item.get("renditions") or [], key=lambda r: r.get("width", 0))
    jpeg = [r for r in renditions if r.get("format") in ("jpeg", "jpg")] or renditions
    preview = next((r["url"] for r in jpeg if r.get("width", 0) >= 320), None)
    large = next((r["url"] for r in jpeg if r.get("width", 0) >= 1024), None)
    return {
        "id": item["id"],
        "status": item.get("status"),
        "caption": item.get("caption") or "",
        "alt": item.get("alt") or "",
        "credit": item.get("credit") or "",
        "preview": preview or (jpeg[-1]["url"] if jpeg else None),
        "url": large or (jpeg[-1]["url"] if jpeg else None),
    }


@bp.get("/media/library")
@requires("author")
def library() -> Response:
    found = extensions.desk_api().media(
        signed_in().username, q=request.args.get("q", ""), per_page=24
    )
    return jsonify(items=[photo(item) for item in found.get("items", [])])


@bp.post("/media")
@requires("author")
def upload() -> tuple[Response, int]:
    """Hand a photo to the articles service (202 while its renditions are made)."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return jsonify(error="Hãy chọn một ảnh."), 400
    fields = {name: request.form.get(name, "") for name in ("caption", "alt", "credit")}
    user = signed_in()
    try:
        made = extensions.desk_api().upload(
            user.username, file.filename, file.stream, file.mimetype, fields
        )
    except ApiError as exc:
        return jsonify(error=exc.detail or f"HTTP {exc.status}"), exc.status
    with extensions.database().session() as db:
        audit.record(
            db,
            user.username,
            "media.uploaded",
            str(made["id"]),
            fields["caption"],
            client_address(),
        )
    return jsonify(photo(made)), 202


@bp.get("/media/library/<int:media_id>")
@requires("author")
def one(media_id: int) -> Response:
    try:
        item = extensions.desk_api().json(
            signed_in().username, "GET", "articles", f"/v1/media/{media_id}"
        )
    except ApiError as exc:
        abort(404 if exc.status == 404 else 502)
    return jsonify(photo(item))


@bp.get("/media/<path:name>")
def rendition(name: str) -> Response:
    """A rendition, from the articles service, so the editor shows photos on our origin."""
    if ".." in name.split("/"):
        abort(404)
    upstream = extensions.desk_api().call("-", "GET", "articles", f"/media/{name}", stream=True)
    return relayed(upstream, PASSED_BACK)
