"""Abuse of the APIs: writes without or with a wrong token, oversized bodies, and the
view counter's defences (one visitor counted once, crawlers never, the per-address limit).

The write routes are not listed by hand: they are the operations each API's own OpenAPI
document marks with a security requirement, so a new write route is covered as it lands.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from security_kit import API_TOKEN, BROWSER, WRONG_TOKEN, figures, write_operations

# A valid body for each write route, so that only the token decides (no 422 first).
VALID_BODIES = {
    ("POST", "/v1/categories"): {"slug": "the-thao", "name": "Thể thao"},
    ("POST", "/v1/articles"): {"title": "Bài mới", "category": "kinh-te"},
    ("PATCH", "/v1/articles/{article_id}"): {"title": "Đổi tên"},
    ("PUT", "/v1/views/{article_id}"): {"views": 1799},
    ("POST", "/v1/views/batch"): {
        "views": [{"article_id": 1, "client_ip": "203.0.113.5", "user_agent": BROWSER}]
    },
}
BAD_CREDENTIALS = {
    "no token": {},
    "wrong token": {"Authorization": f"Bearer {WRONG_TOKEN}"},
    "empty bearer": {"Authorization": "Bearer "},
    "token as basic": {"Authorization": f"Basic {API_TOKEN}"},
    "token with a suffix": {"Authorization": f"Bearer {API_TOKEN}x"},
}
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "",
]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def refusals(app, service: str, with_valid_body: bool) -> tuple[int, Counter[int], list[str]]:
    """Send every write route each bad credential; (routes, statuses, answers not a 401)."""
    client = app.test_client()
    answers: Counter[int] = Counter()
    wrong = []
    operations = write_operations(client.get("/openapi.json").get_json())
    for method, path in operations:
        body = VALID_BODIES.get((method, path), {}) if with_valid_body else {}
        for label, headers in BAD_CREDENTIALS.items():
            reply = client.open(concrete(path), method=method, json=body, headers=headers)
            answers[reply.status_code] += 1
            problem = reply.get_json(silent=True) or {}
            if (
                reply.status_code != 401
                or reply.mimetype != "application/problem+json"
                or problem.get("status") != 401
                or "Bearer" not in reply.headers.get("WWW-Authenticate", "")
            ):
                wrong.append(f"{service} {method} {path} {label}: {reply.status_code}")
    return len(operations), answers, wrong


def test_every_write_route_refuses_a_missing_or_wrong_token(apis):
    routes, answers, wrong = 0, Counter(), []
    for service, app in apis.items():
        found, statuses, refused_wrongly = refusals(app, service, with_valid_body=True)
        routes += found
        answers += statuses
        wrong += refused_wrongly
    line = figures(
        "auth",
        write_routes=routes,
        credentials_tried=len(BAD_CREDENTIALS),
        requests=sum(answers.values()),
        statuses=dict(answers),
        not_401=len(wrong),
    )
    assert routes >= 7, line
    assert not wrong, (line, wrong)


@pytest.mark.parametrize(
    "service",
    [
        "articles",
        "counter",
        "weather",
    ],
)
def test_without_a_token_an_invalid_body_is_still_a_401(apis, service):
    routes, answers, wrong = refusals(apis[service], service, with_valid_body=False)
    line = figures(f"auth-before-validation[{service}]", routes=routes, statuses=dict(answers))
    assert not wrong, (line, wrong)


@pytest.mark.parametrize(
    ("service", "method", "path", "limit"),
    [
        ("articles", "POST", "/v1/articles", 1024 * 1024),
        ("articles", "POST", "/v1/categories", 1024 * 1024),
        ("counter", "POST", "/v1/views", 16 * 1024),
        ("counter", "PUT", "/v1/views/1", 16 * 1024),
        ("counter", "POST", "/v1/views/batch", 2 * 1024 * 1024),
        ("weather", "POST", "/v1/weather/refresh", 1024 * 1024),
    ],
)
def test_bodies_over_the_limit_are_refused_with_413(apis, service, method, path, limit):
    client = apis[service].test_client()
    oversized = json.dumps({"padding": "x" * limit}).encode()
    headers = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}
    reply = client.open(path, method=method, data=oversized, headers=headers)
    line = figures(
        f"body-limit[{service} {method} {path}]",
        limit=limit,
        sent=len(oversized),
        status=reply.status_code,
    )
    assert reply.status_code == 413, line
    assert reply.mimetype == "application/problem+json", line


def post_view(client, article_id, visitor_id=None, agent=BROWSER, address="198.51.100.7"):
    body = {"article_id": article_id}
    if visitor_id is not None:
        body["visitor_id"] = visitor_id
    headers = {"User-Agent": agent, "X-Forwarded-For": address}
    return client.post("/v1/views", json=body, headers=headers)


def views(client, article_id) -> int:
    return client.get(f"/v1/views/{article_id}").get_json()["views"]


def test_one_visitor_counts_once_crawlers_never_and_a_hundred_visitors_a_hundred(
    make_counter_app,
):
    client = make_counter_app(rate_limit_per_min=1_000_000).test_client()

    same_cookie = Counter(
        post_view(client, 1, visitor_id="one-reader").status_code for _ in range(1000)
    )
    same_address = Counter(post_view(client, 2).status_code for _ in range(1000))
    crawler_answers = [
        post_view(client, 3, visitor_id=f"bot-{n}", agent=agent).get_json()
        for n, agent in enumerate(CRAWLERS)
    ]
    for n in range(100):
        post_view(client, 42, visitor_id=f"reader-{n}", address=f"198.51.100.{n + 1}")

    line = figures(
        "counting",
        one_cookie_1000_views=views(client, 1),
        one_address_and_agent_1000_views=views(client, 2),
        crawler_views=views(client, 3),
        crawlers_sent=len(CRAWLERS),
        crawler_reasons=dict(Counter(a["reason"] for a in crawler_answers)),
        hundred_visitors=views(client, 42),
        statuses=dict(same_cookie + same_address),
    )
    assert views(client, 1) == 1, line
    assert views(client, 2) == 1, line
    assert views(client, 3) == 0, line
    assert views(client, 42) == 100, line


def test_one_address_is_rate_limited_with_429_and_others_are_not(make_counter_app):
    client = make_counter_app(rate_limit_per_min=120).test_client()
    statuses = [
        post_view(client, 1, visitor_id=f"v{n}", address="203.0.113.9").status_code
        for n in range(150)
    ]
    limited = post_view(client, 1, visitor_id="late", address="203.0.113.9")
    other = post_view(client, 1, visitor_id="neighbour", address="203.0.113.10")
    line = figures(
        "rate-limit",
        limit_per_min=120,
        sent=len(statuses),
        accepted=statuses.count(200),
        refused_429=statuses.count(429),
        retry_after=limited.headers.get("Retry-After"),
        other_address=other.status_code,
    )
    assert statuses[:120] == [200] * 120, line
    assert set(statuses[120:]) == {429}, line
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json", line
    assert int(limited.headers["Retry-After"]) > 0, line
    assert other.status_code == 200, line
