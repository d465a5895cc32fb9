"""Response headers: every HTML page of the web carries the security headers, and the APIs
never answer an error with HTML or a traceback.
"""

from __future__ import annotations

import json

import requests
from security_kit import API_TOKEN, figures

REQUIRED = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def header_problems(response) -> list[str]:
    problems = [name for name in REQUIRED if not response.headers.get(name)]
    policy = csp_directives(response.headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src", []))
    if not scripts or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"script-src {scripts}")
    if "frame-ancestors" not in policy:
        problems.append("no frame-ancestors")
    if response.headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append("X-Content-Type-Options")
    return problems


def test_every_html_page_of_the_web_sends_the_security_headers(portal):
    stack, web = portal
    created = requests.post(
        stack.url("articles") + "/v1/articles",
        json={"title": "Đầu xuân trồng cây", "category": "kinh-te", "status": "published"},
        headers=stack.auth,
        timeout=10,
    ).json()
    client = web.test_client()
    paths = [
        "/",
        "/?lang=en",
        "/kinh-te/",
        "/tin-trong-tinh/?page=2",
        f"/kinh-te/{created['slug']}-{created['id']}.html",
        "/search?q=c%C3%A2y",
        "/search?q=%3Cscript%3E",
        "/khong-co-muc-nay/",
        "/kinh-te/khong-co-bai-nay-999999.html",
        "/a/b/c/d",
    ]
    checked, problems, statuses = 0, {}, {}
    for path in paths:
        reply = client.get(path)
        statuses[path] = reply.status_code
        if reply.mimetype != "text/html":
            continue
        checked += 1
        if found := header_problems(reply):
            problems[path] = found
    line = figures(
        "web-headers",
        pages=len(paths),
        html_checked=checked,
        statuses=sorted(set(statuses.values())),
        missing=len(problems),
    )
    assert checked == len(paths), (line, statuses)
    assert not problems, (line, problems)


def api_error_probes(service: str) -> list[tuple[str, int, str, str, dict, bytes | None]]:
    """(label, expected status, method, path, headers, body) each API must refuse cleanly."""
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    json_type = {**auth, "Content-Type": "application/json"}
    write = {
        "articles": ("POST", "/v1/articles"),
        "counter": ("POST", "/v1/views"),
        "weather": ("POST", "/v1/weather/refresh"),
    }[service]
    read = {"articles": "/v1/articles", "counter": "/v1/top", "weather": "/v1/locations"}[service]
    probes = [
        ("404", 404, "GET", "/v1/khong-co", {}, None),
        ("404 deep", 404, "GET", "/../../etc/passwd", {}, None),
        ("405", 405, "DELETE", read, auth, None),
        ("413", 413, *write, json_type, json.dumps({"x": "y" * (2 << 20)}).encode()),
        ("415", 415, *write, {**auth, "Content-Type": "text/plain"}, b"hello"),
        (
            "415 form",
            415,
            *write,
            auth | {"Content-Type": "application/x-www-form-urlencoded"},
            b"a=1",
        ),
    ]
    if service == "weather":
        return probes  # its one write takes no body, and its reads no query
    invalid = {
        "articles": {"title": "", "category": 7, "status": "maybe"},
        "counter": {"article_id": "not-a-number"},
    }[service]
    return [
        *probes,
        ("422", 422, *write, json_type, json.dumps(invalid).encode()),
        ("bad JSON", 400, *write, json_type, b'{"title": "unterminated'),
        ("JSON not an object", 422, *write, json_type, b"[1, 2, 3]"),
        ("bad UTF-8", 400, *write, json_type, b'{"title": "\xff\xfe"}'),
        (
            "bad query",
            422,
            "GET",
            read + "?page=-1&per_page=100000&limit=abc&window=forever",
            {},
            None,
        ),
    ]


def test_api_errors_are_problem_json_never_html_or_a_traceback(apis):
    problems, statuses = [], {}
    for service, app in apis.items():
        client = app.test_client()
        for label, expected, method, path, headers, body in api_error_probes(service):
            reply = client.open(path, method=method, headers=headers, data=body)
            text = reply.get_data(as_text=True)
            statuses[f"{service} {label}"] = reply.status_code
            if (
                reply.status_code != expected
                or reply.mimetype != "application/problem+json"
                or "<html" in text.lower()
                or "Traceback" in text
                or 'File "' in text
            ):
                problems.append(f"{service} {label}: {reply.status_code} {reply.mimetype}")
    line = figures(
        "api-errors",
        probes=len(statuses),
        statuses=sorted(set(statuses.values())),
        bad_answers=len(problems),
    )
    assert not problems, (line, problems, statuses)
