"""``python -m bench.inprocess``: the CPU one request costs each app, in one process.

No gunicorn, no wrk, no network between client and app: each app is called through
WSGI with prepared requests from one thread, against a Redis and a SQLite database of
its own (seeded as ``make bench`` seeds them), and the figure is the process's CPU time
per request, the fastest of several rounds. CPU time moves far less than throughput
when the machine is shared, so this is the figure to compare code changes with;
``make bench`` stays the judge of the targets, with the server and the load generator
in the picture. The web page is not here: it needs the other services over HTTP.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import content
from bench.processes import Redis
from bench.scenarios import BATCH_SIZE, READER_VIEWS, SEARCHES
from bench.wrk import BROWSERS

Environ = dict[str, Any]


def environ(method: str, path: str, body: bytes = b"", **headers: str) -> Environ:
    path, _, query = path.partition("?")
    env: Environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "HTTP_USER_AGENT": BROWSERS[0],
    }
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
        env["CONTENT_TYPE"] = "application/json"
    env.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return env


def cpu_per_request(app: Any, requests: Callable[[int], Environ], count: int, rounds: int) -> float:
    """Microseconds of process CPU per request, the fastest of ``rounds`` rounds."""

    def call(index: int) -> None:
        status: list[str] = []
        b"".join(app(requests(index), lambda s, _h, _e=None: status.append(s)))
        if not status[0].startswith(("200", "304")):
            raise RuntimeError(f"request {index} answered {status[0]}")

    for index in range(min(count, 300)):  # warm: imports, compiled regexes, caches
        call(index)
    best = float("inf")
    for round_ in range(rounds):
        start = time.process_time()
        for index in range(count):
            call((round_ + 1) * count + index)
        best = min(best, (time.process_time() - start) / count * 1e6)
    return best


def profile(app: Any, requests: Callable[[int], Environ], count: int, sort: str) -> None:
    """One more round of ``count`` requests under cProfile, the costliest functions first."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(count):
        b"".join(app(requests(10**7 + index), lambda _s, _h, _e=None: None))
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats(sort).print_stats(40)


def _count(name: str, requests: int) -> int:
    """Requests a round: a batch carries BATCH_SIZE views, so it gets fewer."""
    return max(10, requests * 10 // BATCH_SIZE) if name == "counter-batch" else requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--articles", type=int, default=200, help="articles added on top")
    parser.add_argument(
        "--profile",
        metavar="APP",
        help="after measuring, run APP's requests once more under cProfile and print "
        "the functions that cost the most time",
    )
    parser.add_argument(
        "--sort", default="tottime", help="the profile's order: tottime (default), cumulative"
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-inprocess-"))
    redis_server = Redis(work)
    os.environ.update(
        {
            "REDIS_URL": redis_server.url,
            "DATABASE_URL": f"sqlite:///{work / 'articles.db'}",
            "API_TOKENS": "bench:bench-inprocess-token",
            "PROMETHEUS_MULTIPROC_DIR": str(work),
            "RATE_LIMIT_PER_MIN": "100000000",
            "LOG_LEVEL": "WARNING",
        }
    )
    env = dict(os.environ)
    try:
        content.prepare_database(env)
        from articles.app import create_app as articles_app
        from bench.baselines import bare_app, incr_app
        from counter.app import create_app as counter_app
        from weather.app import create_app as weather_app

        articles = articles_app()
        if args.articles:
            client = articles.test_client()
            auth = {"Authorization": "Bearer bench-inprocess-token"}
            for payload in content.article_payloads(args.articles):
                created = client.post("/v1/articles", json=payload, headers=auth)
                if created.status_code != 201:
                    raise RuntimeError(f"creating an article answered {created.status_code}")
        content.announce(env)
        content.teach_counter(env)
        content.observe_weather(env)
        published = content.published_articles(redis_server.client)
        ids = [article.id for article in published]
        slugs = [article.slug for article in published]
        searches = ["/v1/articles?" + urllib.parse.urlencode({"q": q}) for q in SEARCHES]

        counter = counter_app()

        def view(index: int) -> Environ:
            body = json.dumps({"article_id": ids[index % len(ids)], "visitor_id": f"v{index}"})
            address = f"10.{index >> 16 & 255}.{index >> 8 & 255}.{index & 255}"
            return environ("POST", "/v1/views", body.encode(), X_FORWARDED_FOR=address)

        def batch(index: int) -> Environ:
            # As bench/lua/batch.lua sends them: readers of READER_VIEWS pages in a row,
            # half of them on IPv6.
            views = []
            for i in range(BATCH_SIZE):
                n = index * BATCH_SIZE + i
                reader = n // READER_VIEWS
                address = (
                    f"64.{reader >> 16 & 255}.{reader >> 8 & 255}.{reader & 255}"
                    if reader % 2 == 0
                    else f"2001:db8:1:{reader >> 16 & 0xFFFF:x}::{reader & 0xFFFF:x}"
                )
                views.append(
                    {
                        "article_id": ids[n % len(ids)],
                        "client_ip": address,
                        "user_agent": BROWSERS[reader % len(BROWSERS)],
                    }
                )
            body = json.dumps({"views": views}).encode()  # about 2% of the request's CPU
            return environ(
                "POST", "/v1/views/batch", body, AUTHORIZATION="Bearer bench-inprocess-token"
            )

        cases: list[tuple[str, Any, Callable[[int], Environ]]] = [
            ("bare", bare_app(), lambda _i: environ("GET", "/")),
            ("incr", incr_app(), lambda _i: environ("GET", "/")),
            ("counter-views", counter, view),
            (
                "articles-by-slug",
                articles,
                lambda i: environ("GET", f"/v1/articles/by-slug/{slugs[i % len(slugs)]}"),
            ),
            ("articles-search", articles, lambda i: environ("GET", searches[i % len(searches)])),
            ("weather-current", weather_app(), lambda _i: environ("GET", "/v1/weather")),
            ("counter-batch", counter, batch),
        ]
        results = {
            name: cpu_per_request(app, requests, _count(name, args.requests), args.rounds)
            for name, app, requests in cases
        }
        if args.profile:
            profiled = {name: (app, requests) for name, app, requests in cases}[args.profile]
            profile(*profiled, _count(args.profile, args.requests), args.sort)
    finally:
        redis_server.stop()
    print(f"CPU per request, one thread, fastest of {args.rounds} rounds of {args.requests}:")
    print("| app | CPU us | x bare | x incr |")
    print("|---|---:|---:|---:|")
    for name, micros in results.items():
        print(
            f"| {name} | {micros:.0f} | {results['bare'] / micros:.2f} "
            f"| {results['incr'] / micros:.2f} |"
        )
    batch = results["counter-batch"]
    print(f"\ncounter-batch: {batch / BATCH_SIZE:.1f} us of CPU a view, one thread")
    return 0


if __name__ == "__main__":
    sys.exit(main())
