"""The three APIs the portal reads, through one HTTP client with short timeouts.

Every call goes through :class:`portalkit.http_client.Session`, so the request id of
the page is passed on. A service that refuses, times out or answers 5xx raises
:class:`Unavailable`; the page then renders without that part (or, for articles,
shows the 503 page).
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from prometheus_client import Counter

from portalkit.http_client import Session
from web.page_data import PageDataCache, article_generation_key, article_key, weather_key
from web.settings import Settings

USER_AGENT = "portal-web/1"


class Unavailable(Exception):
    """A service did not answer usefully; the message says which and why."""


class NotFound(Exception):
    """The service answered 404."""


class ApiClient:
    """Reads (cached where the data allows it) and the one write the web makes: a view."""

    def __init__(
        self, settings: Settings, cache: PageDataCache, failures: Counter | None = None
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.failures = failures
        self._local = threading.local()

    # plumbing -------------------------------------------------------------------

    @property
    def http(self) -> Session:
        """One session per thread: pages read the APIs from a small thread pool."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = Session(
                timeout=(self.settings.connect_timeout_s, self.settings.read_timeout_s),
                user_agent=USER_AGENT,
            )
            # What the web reads it keeps until an event says it changed: it asks for the
            # current state, never what an API process read a moment before the change.
            session.headers["Cache-Control"] = "no-cache"
            self._local.session = session
        return session

    def _call(self, service: str, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, url, **kwargs)
        except requests.RequestException as exc:
            raise self._failed(service, type(exc).__name__) from exc
        if response.status_code == 404:
            raise NotFound(url)
        if response.status_code in (401, 403):  # the web's own token, refused
            raise self._failed(service, f"HTTP {response.status_code} for the web's token")
        if response.status_code >= 500 or response.status_code == 429:
            raise self._failed(service, f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise NotFound(f"{url}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise self._failed(service, "a reply that is not JSON") from exc

    def _failed(self, service: str, why: str) -> Unavailable:
        if self.failures is not None:
            self.failures.labels(service).inc()
        return Unavailable(f"{service}: {why}")

    def _get(self, service: str, path: str, **params: Any) -> Any:
        base = getattr(self.settings, f"{service}_url")
        clean = {key: value for key, value in params.items() if value not in (None, "")}
        return self._call(service, "GET", base + path, params=clean)

    # articles -------------------------------------------------------------------

    def article(self, article_id: int) -> dict[str, Any]:
        """A published article; raises NotFound or Unavailable."""
        return self.cache.fetch_checked(
            article_key(article_id),
            article_generation_key(article_id),
            self.settings.article_cache_s,
            lambda: self._get("articles", f"/v1/articles/{article_id}"),
        )

    def draft(self, article_id: int) -> dict[str, Any]:
        """An article in whatever status, read with ``WEB_API_TOKEN`` (which needs
        ``drafts.read``) and never cached: what a preview shows."""
        return self._call(
            "articles",
            "GET",
            f"{self.settings.articles_url}/v1/articles/{article_id}",
            headers={"Authorization": f"Bearer {self.settings.web_api_token}"},
        )

    def articles(self, **params: Any) -> dict[str, Any]:
        """A page of published articles: ``{"items", "total", "page", "per_page"}``."""
        if params.get("q"):
            return self._get("articles", "/v1/articles", **params)
        key = self.cache.list_key("articles", params)
        return self.cache.fetch(
            key,
            self.settings.list_cache_s,
            lambda: self._get("articles", "/v1/articles", **params),
        )

    def articles_by_ids(self, ids: list[int]) -> list[dict[str, Any]]:
        """Articles in the order of ``ids`` (those that no longer exist are left out)."""
        if not ids:
            return []
        found = self.articles(ids=",".join(str(i) for i in ids), per_page=len(ids))
        by_id = {item["id"]: item for item in found.get("items", [])}
        return [by_id[i] for i in ids if i in by_id]

    def categories(self) -> list[dict[str, Any]]:
        """The category tree as the articles service gives it."""
        key = self.cache.list_key("categories", {})
        tree = self.cache.fetch(
            key, self.settings.list_cache_s, lambda: self._get("articles", "/v1/categories")
        )
        if isinstance(tree, dict):
            tree = tree.get("items", [])
        return tree

    # counter --------------------------------------------------------------------

    def views(self, article_id: int) -> int:
        return int(self._get("counter", f"/v1/views/{article_id}")["views"])

    def top(self, window: str = "week", limit: int = 5) -> list[dict[str, Any]]:
        return self._get("counter", "/v1/top", window=window, limit=limit)["items"]

    def record_view(
        self, article_id: int, visitor_id: str, user_agent: str, forwarded_for: str
    ) -> dict[str, Any]:
        """Tell the counter a reader opened the article; it decides whether it counts."""
        headers = {"User-Agent": user_agent, "X-Forwarded-For": forwarded_for}
        return self._call(
            "counter",
            "POST",
            self.settings.counter_url + "/v1/views",
            json={"article_id": article_id, "visitor_id": visitor_id},
            headers=headers,
        )

    # weather --------------------------------------------------------------------

    def weather(self, place: str | None = None) -> dict[str, Any]:
        """The last reading of a place (the default place when None)."""
        path = f"/v1/weather/{place}" if place else "/v1/weather"
        return self.cache.fetch(
            weather_key(place), self.settings.weather_cache_s, lambda: self._get("weather", path)
        )

    def places(self) -> list[dict[str, Any]]:
        key = weather_key("_places")
        places = self.cache.fetch(
            key, self.settings.weather_cache_s, lambda: self._get("weather", "/v1/locations")
        )
        if isinstance(places, dict):
            places = places.get("items", [])
        return places

    # media ----------------------------------------------------------------------

    def media(self, name: str, headers: dict[str, str]) -> requests.Response:
        """The articles service's image reply, streamed (the caller closes it)."""
        try:
            return self.http.get(
                f"{self.settings.articles_url}/media/{name}", headers=headers, stream=True
            )
        except requests.RequestException as exc:
            raise self._failed("articles", type(exc).__name__) from exc
