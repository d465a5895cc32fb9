"""Steady traffic through the portal's processes while Redis misbehaves: every answer kept.

Four kinds of callers run side by side: readers whose views go to the counter, an
editor publishing articles, an operator asking for weather refreshes, and readers of the
web's home page. Each answer is kept as (kind, status, content type).
"""

from __future__ import annotations

import itertools
from collections import Counter

import requests
from reliability_kit import BROWSER, Callers

from support.stack import Stack

CATEGORY = "tin-trong-tinh"


class Traffic(Callers):
    """Threads calling the stack until stopped; ``answers`` holds (kind, status, type)."""

    def __init__(self, stack: Stack, article_id: int) -> None:
        self.stack = stack
        self.article_id = article_id
        self.numbers = itertools.count()
        calls = {"view": self._view, "write": self._write, "refresh": self._refresh}
        calls["page"] = self._page
        super().__init__([(self._loop, item) for item in calls.items()])

    def _loop(self, kind: str, call) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                reply = call(session, next(self.numbers))
                answer = (kind, reply.status_code, reply.headers.get("Content-Type", ""))
            except requests.RequestException as exc:
                answer = (kind, type(exc).__name__, "")
            self.keep(answer)
            self.stop.wait(0.02)

    def _view(self, session: requests.Session, number: int) -> requests.Response:
        body = {"article_id": self.article_id, "visitor_id": f"traffic-{number}"}
        return session.post(
            self.stack.url("counter") + "/v1/views",
            json=body,
            headers={"User-Agent": BROWSER},
            timeout=20,
        )

    def _write(self, session: requests.Session, number: int) -> requests.Response:
        body = {"title": f"Tin nhanh số {number}", "category": CATEGORY, "status": "published"}
        return session.post(
            self.stack.url("articles") + "/v1/articles",
            json=body,
            headers=self.stack.auth,
            timeout=20,
        )

    def _refresh(self, session: requests.Session, _number: int) -> requests.Response:
        return session.post(
            self.stack.url("weather") + "/v1/weather/refresh", headers=self.stack.auth, timeout=20
        )

    def _page(self, session: requests.Session, _number: int) -> requests.Response:
        return session.get(self.stack.url("web") + "/", timeout=20)

    def flowing(self) -> bool:
        return len(self.answers) > 40

    def statuses(self) -> dict[str, Counter]:
        by_kind: dict[str, Counter] = {}
        with self.lock:
            for kind, status, _type in self.answers:
                by_kind.setdefault(kind, Counter())[status] += 1
        return by_kind

    def server_errors(self) -> list[tuple[str, int | str, str]]:
        """Answers that are neither a success nor a 503 problem (a 500, an HTML error)."""
        with self.lock:
            return [
                answer
                for answer in self.answers
                if not (isinstance(answer[1], int) and answer[1] < 500)
                and not (answer[1] == 503 and answer[2].startswith("application/problem+json"))
            ]
