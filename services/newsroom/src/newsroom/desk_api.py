"""The APIs the desk calls, with the newsroom's own token and the person behind each call.

Every call carries ``Authorization: Bearer NEWSROOM_API_TOKEN`` and ``X-Actor: <username>``
(the articles service records that name in revisions and events) through portalkit's
one HTTP client, which passes the request id on. A refusal by the API is an
:class:`ApiError` with its status and problem detail; no answer is :class:`Unavailable`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import requests

from newsroom.settings import Settings
from portalkit.http_client import Session

USER_AGENT = "portal-newsroom/1"


class Unavailable(Exception):
    """A service did not answer, or answered 5xx."""


@dataclass
class ApiError(Exception):
    """The API refused the call: its status, detail and field errors."""

    status: int
    detail: str = ""
    errors: dict[str, Any] = field(default_factory=dict)
    etag: str | None = None

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.detail}"


@dataclass(frozen=True)
class Versioned:
    """An article as the API gave it, with its ETag (sent back in ``If-Match``)."""

    article: dict[str, Any]
    etag: str


class DeskApi:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()

    @property
    def http(self) -> Session:
        session = getattr(self._local, "session", None)
        if session is None:
            timeout = (self.settings.connect_timeout_s, self.settings.read_timeout_s)
            session = Session(timeout=timeout, user_agent=USER_AGENT)
            session.headers["Authorization"] = f"Bearer {self.settings.api_token}"
            self._local.session = session
        return session

    def call(
        self, actor: str, method: str, service: str, path: str, **kwargs: Any
    ) -> requests.Response:
        """One call as ``actor``; returns a 2xx or 304 response, raises otherwise."""
        url = getattr(self.settings, f"{service}_url") + path
        headers = {"X-Actor": actor, **(kwargs.pop("headers", None) or {})}
        try:
            response = self.http.request(method, url, headers=headers, **kwargs)
        except requests.RequestException as exc:
            raise Unavailable(f"{service}: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise Unavailable(f"{service}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def json(self, actor: str, method: str, service: str, path: str, **kwargs: Any) -> Any:
        response = self.call(actor, method, service, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise Unavailable(f"{service}: a reply that is not JSON") from exc

    # articles ---------------------------------------------------------------------

    def articles(self, actor: str, **params: Any) -> dict[str, Any]:
        clean = {key: value for key, value in params.items() if value not in (None, "")}
        return self.json(actor, "GET", "articles", "/v1/articles", params=clean)

    def article(self, actor: str, article_id: int) -> Versioned:
        response = self.call(actor, "GET", "articles", f"/v1/articles/{article_id}")
        return Versioned(response.json(), response.headers.get("ETag", ""))

    def create(self, actor: str, fields: dict[str, Any]) -> Versioned:
        response = self.call(actor, "POST", "articles", "/v1/articles", json=fields)
        return Versioned(response.json(), response.headers.get("ETag", ""))

    def update(self, actor: str, article_id: int, fields: dict[str, Any], etag: str) -> Versioned:
        """A change based on the version ``etag`` names; 412 (ApiError) when it is stale."""
        headers = {"If-Match": etag} if etag else {}
        response = self.call(
            actor, "PATCH", "articles", f"/v1/articles/{article_id}", json=fields, headers=headers
        )
        return Versioned(response.json(), response.headers.get("ETag", ""))

    def history(self, actor: str, article_id: int) -> dict[str, Any]:
        """Earlier versions (``items``, newest first) and who made the ``current`` one."""
        return self.json(actor, "GET", "articles", f"/v1/articles/{article_id}/revisions")

    def revisions(self, actor: str, article_id: int) -> list[dict[str, Any]]:
        return self.history(actor, article_id)["items"]

    def restore(self, actor: str, article_id: int, version: int) -> dict[str, Any]:
        path = f"/v1/articles/{article_id}/revisions/{version}/restore"
        return self.json(actor, "POST", "articles", path)

    def categories(self, actor: str) -> list[dict[str, Any]]:
        tree = self.json(actor, "GET", "articles", "/v1/categories")
        return tree.get("items", []) if isinstance(tree, dict) else tree

    def create_category(self, actor: str, fields: dict[str, Any]) -> dict[str, Any]:
        return self.json(actor, "POST", "articles", "/v1/categories", json=fields)

    def update_category(self, actor: str, slug: str, fields: dict[str, Any]) -> dict[str, Any]:
        return self.json(actor, "PATCH", "articles", f"/v1/categories/{slug}", json=fields)

    # media ------------------------------------------------------------------------

    def media(self, actor: str, **params: Any) -> dict[str, Any]:
        clean = {key: value for key, value in params.items() if value not in (None, "")}
        return self.json(actor, "GET", "articles", "/v1/media", params=clean)

    def upload(
        self, actor: str, name: str, stream: BinaryIO, mimetype: str, fields: dict[str, str]
    ) -> dict[str, Any]:
        files = {"file": (name, stream, mimetype)}
        return self.json(actor, "POST", "articles", "/v1/media", data=fields, files=files)

    # counter and weather -----------------------------------------------------------

    def view_counts(self, actor: str, ids: list[int]) -> dict[int, int]:
        if not ids:
            return {}
        params = {"ids": ",".join(str(i) for i in ids)}
        counts = self.json(actor, "GET", "counter", "/v1/views", params=params)["counts"]
        return {int(key): int(value) for key, value in counts.items()}

    def top(self, actor: str, window: str, limit: int = 10) -> list[dict[str, Any]]:
        params = {"window": window, "limit": limit}
        return self.json(actor, "GET", "counter", "/v1/top", params=params)["items"]

    def weather(self, actor: str) -> dict[str, Any]:
        return self.json(actor, "GET", "weather", "/v1/weather")


def _refusal(response: requests.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
    return ApiError(
        response.status_code,
        str(body.get("detail") or body.get("title") or ""),
        errors or {},
        response.headers.get("ETag"),
    )
