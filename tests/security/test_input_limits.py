"""Input past the limits: deep, huge and big-number JSON on every write route, the errors
the HTTP server answers itself, half-sent requests, decomposed Unicode, and a foreign Host.

The JSON cases run against each API in process (every write route, from its OpenAPI
document); the server-level cases against the counter's Procfile process, under each
``HTTP_SERVER`` (granian, gunicorn).
"""

from __future__ import annotations

import re
import socket
import time
import unicodedata

import pytest
import requests
from security_kit import API_TOKEN, figures, write_operations
from test_abuse import VALID_BODIES, concrete

from support.servers import RedisServer, wait_until
from support.stack import Stack

AUTH = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}
DEEP = 10_000
PROBLEM = "application/problem+json"


def hostile_bodies(valid: dict) -> dict[str, str]:
    """Bodies no API may answer with a 500, built around a valid one where there is one."""
    field = next(iter(valid), "title")
    return {
        "array 10,000 deep": "[" * DEEP + "]" * DEEP,
        "object 10,000 deep": '{"a":' * DEEP + "1" + "}" * DEEP,
        "a field 10,000 deep": f'{{"{field}": {"[" * DEEP}{"]" * DEEP}}}',
        "a field 40 deep": f'{{"{field}": {"[" * 40}{"]" * 40}}}',
        "a 5,000-digit integer": f'{{"{field}": {"9" * 5000}}}',
        "an integer of 2^64": f'{{"{field}": {2**64}}}',
        "an integer of -2^70": f'{{"{field}": {-(2**70)}}}',
        "1e999": f'{{"{field}": 1e999}}',
        "NaN": f'{{"{field}": NaN}}',
        "2 MiB of text": f'{{"{field}": "{"x" * 2 * 1024 * 1024}"}}',
    }


def test_deep_huge_and_big_number_bodies_on_every_write_route_are_problems(apis):
    """Refused as 400/413/422 problems, or ignored by a route that reads no body; never 500."""
    answers: dict[int, int] = {}
    wrong = []
    routes = 0
    for service, app in apis.items():
        client = app.test_client()
        for method, path in write_operations(client.get("/openapi.json").get_json()):
            if method not in ("POST", "PUT", "PATCH"):
                continue
            routes += 1
            for label, body in hostile_bodies(VALID_BODIES.get((method, path), {})).items():
                reply = client.open(concrete(path), method=method, data=body, headers=AUTH)
                answers[reply.status_code] = answers.get(reply.status_code, 0) + 1
                refused = reply.status_code >= 400
                if reply.status_code >= 500 or (refused and reply.mimetype != PROBLEM):
                    wrong.append(f"{service} {method} {path} {label}: {reply.status_code}")
    line = figures("hostile-json", routes=routes, answers=answers, wrong=len(wrong))
    assert routes >= 6, line
    assert wrong == [], f"{line}: {wrong}"


def test_a_number_out_of_range_is_a_422_naming_its_field(counter_app):
    reply = counter_app.test_client().post(
        "/v1/views", data=f'{{"article_id": {2**64}}}', headers={"Content-Type": "application/json"}
    )

    assert reply.status_code == 422
    assert "article_id" in reply.get_json()["errors"]


@pytest.fixture(scope="module", params=["granian", "gunicorn"])
def counter_process(request, tmp_path_factory):
    """The counter as its Procfile line: 2 workers of 4 threads, a 2-second read timeout."""
    server = RedisServer().start()
    stack = Stack(
        tmp_path_factory.mktemp("server-limits"),
        server.url,
        env={
            "WEB_CONCURRENCY": "2",
            "HTTP_THREADS": "4",
            "HTTP_READ_TIMEOUT_S": "2",
            "HTTP_SERVER": request.param,
        },
    )
    stack.http_server = request.param
    try:
        stack.start("counter")
        yield stack
    finally:
        stack.close()
        server.cleanup()


def raw_exchange(port: int, request: bytes) -> bytes:
    """One answer: until the server closes, or its head and ``Content-Length`` body are in
    (a server may keep the connection open after an answer of the app's)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
            head, found, body = answer.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if found and length and len(body) >= int(length[1]):
                break
        return answer


def test_the_errors_the_server_answers_itself_are_problems_or_empty(counter_process):
    """gunicorn's own errors are rewritten as problems; granian answers them with an empty
    body, or lets the request reach the app (a long line or header: then a 404 problem)."""
    port = counter_process.ports["counter"]
    cases = {
        414: b"GET /" + b"a" * 6000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        431: b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
        "431 many": b"GET /healthz HTTP/1.1\r\n"
        + b"".join(b"X-H%d: 1\r\n" % n for n in range(150))
        + b"\r\n",
        400: b"POST /v1/views HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "400 line": b"G@T / HTTP/1.1\r\nHost: x\r\n\r\n",
    }
    seen = {}
    for expected, request in cases.items():
        head, _, body = raw_exchange(port, request).partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        seen[str(expected)] = (status, PROBLEM.encode() in head, b'"status"' in body)
    line = figures(f"server-errors-{counter_process.http_server}", **seen)
    for expected, (status, problem_type, problem_body) in seen.items():
        if counter_process.http_server == "gunicorn":
            assert status == int(expected.split()[0]), line
            assert problem_type and problem_body, line
        else:
            assert 400 <= status < 500, line
            assert problem_type == problem_body, line  # a problem, or nothing at all


def test_half_sent_requests_hold_no_thread_and_are_closed_after_the_read_timeout(
    counter_process,
):
    port = counter_process.ports["counter"]
    sockets = []
    for _ in range(100):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(b"GET /v1/views/1 HT")  # half a request line, and then nothing
        sockets.append(sock)
    started = time.monotonic()
    reply = requests.get(counter_process.url("counter") + "/healthz", timeout=30)
    latency_ms = round((time.monotonic() - started) * 1000, 1)

    closed = set()

    def all_closed() -> bool:
        for number, sock in enumerate(sockets):
            if number not in closed:
                sock.settimeout(0.01)
                try:
                    if sock.recv(1024) == b"":
                        closed.add(number)
                except TimeoutError:
                    pass
                except OSError:
                    closed.add(number)
        return len(closed) == len(sockets)

    wait_until(all_closed, timeout=30, interval=0.2)
    line = figures(
        "half-sent",
        connections=len(sockets),
        other_request_status=reply.status_code,
        other_request_latency_ms=latency_ms,
        closed_by_server=len(closed),
        read_timeout_s=2,
    )
    for sock in sockets:
        sock.close()
    assert reply.status_code == 200, line


def test_a_title_sent_decomposed_is_stored_composed_with_the_same_slug_and_search(
    articles_app,
):
    client = articles_app.test_client()
    composed = "Mù Cang Chải: Lúa chín vàng trên ruộng bậc thang"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    reply = client.post(
        "/v1/articles",
        json={
            "title": decomposed,
            "summary": unicodedata.normalize("NFD", "Mùa vàng"),
            "tags": [unicodedata.normalize("NFD", "ruộng bậc thang")],
            "category": "kinh-te",
            "status": "published",
        },
        headers=AUTH,
    )
    article = reply.get_json()
    found = {
        form: [
            item["id"]
            for item in client.get("/v1/articles", query_string={"q": query}).get_json()["items"]
        ]
        for form, query in {
            "nfc": "ruộng bậc thang",
            "nfd": unicodedata.normalize("NFD", "ruộng bậc thang"),
            "bare": "ruong bac thang",
        }.items()
    }

    assert reply.status_code == 201
    assert article["title"] == composed
    assert article["summary"] == "Mùa vàng"
    assert article["tags"] == ["ruộng bậc thang"]
    assert article["slug"] == "mu-cang-chai-lua-chin-vang-tren-ruong-bac-thang"
    assert found["nfc"] == found["nfd"] == found["bare"] == [article["id"]]


def test_feeds_take_links_from_public_url_or_else_vary_by_host_privately(portal):
    from web.app import create_app
    from web.settings import Settings as WebSettings

    stack, app = portal
    answers = {}
    for public_url in (None, "https://yenbai.example"):
        settings = WebSettings(
            redis_url=app.config["REDIS_URL"],
            articles_url=stack.url("articles"),
            counter_url=app.config["COUNTER_URL"],
            weather_url=app.config["WEATHER_URL"],
            public_url=public_url,
        )
        web = create_app(settings)
        client = web.test_client()
        for path in ("/rss.xml", "/sitemap.xml"):
            reply = client.get(path, headers={"Host": "attacker.example"})
            answers[(public_url, path)] = (
                reply.status_code,
                "attacker.example" in reply.get_data(as_text=True),
                "Host" in reply.headers.get("Vary", ""),
                reply.headers.get("Cache-Control", ""),
            )
    line = figures("feeds-host", answers={f"{k[0]} {k[1]}": v for k, v in answers.items()})
    for (public_url, _path), (status, foreign, varies, cache) in answers.items():
        assert status == 200, line
        if public_url:
            assert not foreign and not varies, line
        else:
            assert varies and "private" in cache and "public" not in cache, line
