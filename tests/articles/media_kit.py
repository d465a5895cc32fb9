"""Helpers the photo tests of the articles suite share: upload, wait for the worker."""

from __future__ import annotations

import io

from articles_kit import AUTH

from support.servers import wait_until


def upload(client, data: bytes, filename: str = "anh.jpg", headers=None, **fields):
    """POST /v1/media as the newsroom would: multipart with the file and its words."""
    return client.post(
        "/v1/media",
        data={"file": (io.BytesIO(data), filename), **fields},
        headers=AUTH if headers is None else headers,
        content_type="multipart/form-data",
    )


def wait_done(client, media_id: int, timeout: float = 60.0) -> dict:
    """The media record once it is no longer ``processing``."""

    def finished():
        body = client.get(f"/v1/media/{media_id}", headers=AUTH).get_json()
        return body if body["status"] != "processing" else None

    return wait_until(finished, timeout=timeout, interval=0.1)
