"""What is measured: the two baselines, the scenarios of issue 9, and a peer's route.

A scenario names the server it measures, the servers it needs, the wrk script part
that makes its requests and the data that script reads (published article ids, slugs,
page paths). ``sample`` gives a few requests like the script's, sent one by one while
Redis is monitored, to count the round trips one request makes.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.content import Article
from bench.wrk import BROWSERS

BATCH_SIZE = 1000
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
"""What Chromium sends as Accept-Encoding: pages are read compressed."""
READER_VIEWS = 3
"""Articles each reader of a batch opens (pages per visit on a news site: a few)."""
COUNTS_IDS = 20
HOT_PAGES = 20
SEARCHES = ("nong thon moi", "an ninh trat tu", "du lich cong dong", "chuyen doi so")


@dataclass(frozen=True)
class Content:
    """What the scenarios read: published articles and the editors' token."""

    articles: list[Article]
    token: str


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    server: str
    part: str
    data: Callable[[Content], dict[str, object]]
    needs: tuple[str, ...] = ()
    views_per_request: int = 0
    """Views each request carries, for scenarios that count views (0: none)."""
    api: bool = True
    """An API scenario: the p99 target applies."""
    batch: bool = False
    """Driven with the batch connection count (a few log shippers, not 32 readers)."""
    sample: Callable[[Content, int], Request] | None = None

    @property
    def servers(self) -> tuple[str, ...]:
        return (self.server, *self.needs)


def _browser_get(paths: Callable[[Content], list[str]]) -> Callable[[Content, int], Request]:
    def sample(content: Content, index: int) -> Request:
        options = paths(content)
        headers = {"User-Agent": BROWSERS[0], "Accept-Encoding": BROWSER_ENCODINGS}
        return Request("GET", options[index % len(options)], headers)

    return sample


def _paths(paths: Callable[[Content], list[str]]) -> Callable[[Content], dict[str, object]]:
    return lambda content: {"PATHS": paths(content), "USER_AGENTS": list(BROWSERS)}


def _root(_content: Content) -> list[str]:
    return ["/"]


def _counts(content: Content) -> list[str]:
    ids = [article.id for article in content.articles]
    windows = [ids[start : start + COUNTS_IDS] for start in range(0, len(ids), COUNTS_IDS)]
    full = [window for window in windows if len(window) == COUNTS_IDS] or windows[:1]
    return ["/v1/views?ids=" + ",".join(map(str, window)) for window in full]


def _by_slug(content: Content) -> list[str]:
    return [f"/v1/articles/by-slug/{article.slug}" for article in content.articles]


def _searches(_content: Content) -> list[str]:
    return ["/v1/articles?" + urllib.parse.urlencode({"q": q}) for q in SEARCHES]


def _pages(content: Content) -> list[str]:
    """The newest articles' pages: what readers open, and what the web's cache holds."""
    return [article.page_path for article in content.articles[-HOT_PAGES:]]


def _views_data(content: Content) -> dict[str, object]:
    return {
        "ARTICLE_IDS": [article.id for article in content.articles],
        "USER_AGENTS": list(BROWSERS),
    }


def _batch_data(content: Content) -> dict[str, object]:
    return {
        **_views_data(content),
        "BATCH_SIZE": BATCH_SIZE,
        "READER_VIEWS": READER_VIEWS,
        "TOKEN": content.token,
    }


def _view_sample(content: Content, index: int) -> Request:
    article = content.articles[index % len(content.articles)]
    body = {"article_id": article.id, "visitor_id": f"sample-{index}"}
    headers = {
        "Content-Type": "application/json",
        "User-Agent": BROWSERS[index % len(BROWSERS)],
        "X-Forwarded-For": f"10.250.{index // 256 % 256}.{index % 256}",
    }
    return Request("POST", "/v1/views", headers, json.dumps(body).encode())


BASELINES = (
    Scenario("bare", "baseline: bare Flask endpoint", "bare", "paths.lua", _paths(_root)),
    Scenario(
        "incr", "baseline: Flask endpoint + one Redis INCR", "incr", "paths.lua", _paths(_root)
    ),
)

SCENARIOS = (
    Scenario(
        "counter-views",
        "counter POST /v1/views (distinct visitors)",
        "counter",
        "views.lua",
        _views_data,
        views_per_request=1,
        sample=_view_sample,
    ),
    Scenario(
        "counter-batch",
        f"counter POST /v1/views/batch ({BATCH_SIZE} views a request)",
        "counter",
        "batch.lua",
        _batch_data,
        views_per_request=BATCH_SIZE,
        batch=True,
    ),
    Scenario(
        "counter-counts",
        f"counter GET /v1/views?ids= ({COUNTS_IDS} ids)",
        "counter",
        "paths.lua",
        _paths(_counts),
        sample=_browser_get(_counts),
    ),
    Scenario(
        "articles-by-slug",
        "articles GET /v1/articles/by-slug/<slug>",
        "articles",
        "paths.lua",
        _paths(_by_slug),
        sample=_browser_get(_by_slug),
    ),
    Scenario(
        "articles-search",
        "articles GET /v1/articles?q= (search)",
        "articles",
        "paths.lua",
        _paths(_searches),
        sample=_browser_get(_searches),
    ),
    Scenario(
        "weather-current",
        "weather GET /v1/weather",
        "weather",
        "paths.lua",
        _paths(lambda _content: ["/v1/weather"]),
        sample=_browser_get(lambda _content: ["/v1/weather"]),
    ),
    Scenario(
        "web-article",
        "web article page",
        "web",
        "paths.lua",
        lambda content: {**_paths(_pages)(content), "ACCEPT_ENCODING": BROWSER_ENCODINGS},
        needs=("articles", "counter", "weather"),
        api=False,
        sample=_browser_get(_pages),
    ),
    Scenario(
        "peer-vote",
        "peer: example-voting-app's vote POST (bench/baselines.py)",
        "vote",
        "vote.lua",
        lambda _content: {"USER_AGENTS": list(BROWSERS)},
        api=False,
    ),
)

BY_NAME = {scenario.name: scenario for scenario in (*BASELINES, *SCENARIOS)}
