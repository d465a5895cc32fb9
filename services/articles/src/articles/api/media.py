"""``/v1/media``: photo uploads (renditions made by the worker), the library, edits."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView

from articles.api.media_schemas import (
    MediaFieldsSchema,
    MediaFileSchema,
    MediaListSchema,
    MediaQueryArgsSchema,
    MediaSchema,
)
from articles.api.schemas import MAX_ID
from articles.errors import NotFound
from articles.extensions import count_write, database
from articles.media import library
from articles.media.probe import probe
from articles.media.representation import media_dict
from articles.media.services import QueueUnavailable, media_services, media_tasks, queue_job
from portalkit.api import Blueprint, scoped
from portalkit.auth import require_scope, require_token, token_holder
from portalkit.problems import problem
from portalkit.scopes import MEDIA_WRITE

log = logging.getLogger(__name__)

READ = [{"bearer": []}]
UPLOAD_ENDPOINT = "media.MediaCollection"
FORM_OVERHEAD = 64 * 1024  # the multipart framing and the text fields around the file

blp = Blueprint(
    "media",
    __name__,
    url_prefix="/v1/media",
    description="Photos: uploads, their renditions, captions and credits.",
)


def multipart_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """An upload is multipart/form-data; anything else is refused before it is parsed
    (after the token is checked: without one, the answer is 401 whatever the body)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.mimetype != "multipart/form-data":
            return problem(415, "upload the photo as multipart/form-data with a `file` part")
        return view(*args, **kwargs)

    return wrapper


def _check_id(media_id: int) -> None:
    if media_id > MAX_ID:
        raise NotFound(f"no photo has the id {media_id}")


@blp.route("")
class MediaCollection(MethodView):
    @require_token
    @blp.arguments(MediaQueryArgsSchema, location="query", as_kwargs=True, unknown=ma.RAISE)
    @blp.response(200, MediaListSchema)
    @blp.doc(security=READ)
    def get(self, q: str | None = None, status: str | None = None, **paging: int) -> Any:
        """The photo library, newest first; ``q`` searches captions, alt texts and credits."""
        with database().read_session() as session:
            items, total = library.list_media(
                session, q, status, paging["page"], paging["per_page"]
            )
            return {
                "items": [media_dict(m) for m in items],
                "total": total,
                "page": paging["page"],
                "per_page": paging["per_page"],
            }

    @require_scope(MEDIA_WRITE)
    @multipart_only
    @blp.arguments(MediaFieldsSchema, location="form")
    @blp.arguments(MediaFileSchema, location="files")
    @blp.response(202, MediaSchema)
    @blp.alt_response(413, description="the file is larger than MEDIA_MAX_BYTES")
    @blp.alt_response(415, description="not a JPEG, PNG, WebP or GIF image")
    @blp.alt_response(422, description="more pixels than MEDIA_MAX_PIXELS, or unreadable")
    @blp.doc(**scoped(MEDIA_WRITE))
    def post(self, fields: dict[str, Any], files: dict[str, Any]) -> Any:
        """Upload a photo (202): it is ``processing`` until the worker made its renditions."""
        services = media_services()
        settings = services.settings
        stream = files["file"].stream
        checked = probe(stream, settings.media_max_pixels)
        original = library.read_upload(stream, settings.media_max_bytes)
        library.keep_original(services.storage, original, checked)
        with database().write_session() as session:
            media = library.create_media(session, original, checked, fields, token_holder())
            # Queued before the commit: a broker that is down refuses the upload (503)
            # instead of leaving a record nothing will process; a job that runs before
            # the commit is visible retries.
            queue_job(media_tasks().render_media, media.id)
            body = media_dict(media)
        count_write("media.create")
        return body, 202, {"Location": url_for("media.MediaById", media_id=media.id)}


@blp.route("/<int:media_id>")
class MediaById(MethodView):
    @require_token
    @blp.response(200, MediaSchema)
    @blp.doc(security=READ)
    def get(self, media_id: int) -> Any:
        """One photo: its state, original, renditions and words."""
        _check_id(media_id)
        with database().read_session() as session:
            return media_dict(library.get_media(session, media_id))

    @require_scope(MEDIA_WRITE)
    @blp.arguments(MediaFieldsSchema)
    @blp.response(200, MediaSchema)
    @blp.doc(**scoped(MEDIA_WRITE))
    def patch(self, changes: dict[str, Any], media_id: int) -> Any:
        """Change the caption, alt text or credit; articles showing the photo follow."""
        _check_id(media_id)
        with database().write_session() as session:
            body = media_dict(library.update_media(session, media_id, changes))
        count_write("media.update")
        return body

    @require_scope(MEDIA_WRITE)
    @blp.response(204)
    @blp.alt_response(409, description="a published or scheduled article shows the photo")
    @blp.doc(**scoped(MEDIA_WRITE))
    def delete(self, media_id: int) -> None:
        """Delete a photo no published article shows; its files go when no record names them."""
        _check_id(media_id)
        with database().write_session() as session:
            media = library.delete_media(session, media_id)
            sha256, width = media.sha256, media.width
        count_write("media.delete")
        try:
            queue_job(media_tasks().purge_media, sha256, width)
        except QueueUnavailable:  # the files stay: harmless, purged with a later delete
            log.warning("purge of deleted photo files not queued", exc_info=True)
