"""Batch ingest speed, side by side with the same views sent one by one.

Run: ``.venv/bin/python tests/counter/bench_batch.py`` (starts its own redis-server).
Reports CPU per 1,000 views in this process (the app, in-process WSGI) and in
redis-server, which holds on a busy shared machine where wall time does not, and the
ratio of batch to one-by-one.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import redis  # noqa: E402
from counter_kit import BROWSER, Articles  # noqa: E402

from counter.app import create_app  # noqa: E402
from counter.settings import Settings  # noqa: E402
from support.servers import RedisServer  # noqa: E402

TOKEN = "bench-token-123"
BATCHES = 20
SINGLES = 2000


def logged_views(rng: random.Random, number: int) -> list[dict]:
    views = []
    for _ in range(number):
        item = {
            "article_id": rng.randint(1, 500),
            "client_ip": f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "user_agent": f"{BROWSER} r{rng.randint(1, 50)}",
        }
        if rng.random() < 0.5:
            item["visitor_id"] = f"c{rng.getrandbits(64):x}"
        views.append(item)
    return views


def measure(server: redis.Redis, run, views: int) -> tuple[float, float]:
    """(app CPU, redis CPU) in ms per 1,000 views."""

    def redis_cpu() -> float:
        info = server.info("cpu")
        return info["used_cpu_user"] + info["used_cpu_sys"]

    app_before, redis_before = time.process_time(), redis_cpu()
    run()
    app = time.process_time() - app_before
    return app / views * 1e6, (redis_cpu() - redis_before) / views * 1e6


def main() -> None:
    server = RedisServer().start()
    try:
        settings = Settings(
            redis_url=server.url,
            api_tokens={TOKEN: "bench"},
            salt_secret="bench",
            rate_limit_per_min=10**9,
        )
        client = create_app(settings).test_client()
        Articles(settings).publish(*range(1, 501))
        rng = random.Random(1)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        bodies = [json.dumps({"views": logged_views(rng, 1000)}) for _ in range(BATCHES + 1)]
        singles = logged_views(rng, SINGLES)
        client.post(
            "/v1/views/batch", data=bodies.pop(), headers=headers, content_type="application/json"
        )

        def batches() -> None:
            for body in bodies:
                client.post(
                    "/v1/views/batch", data=body, headers=headers, content_type="application/json"
                )

        def one_by_one() -> None:
            for item in singles:
                client.post(
                    "/v1/views",
                    json={"article_id": item["article_id"], "visitor_id": item.get("visitor_id")},
                    headers={
                        "User-Agent": item["user_agent"],
                        "X-Forwarded-For": item["client_ip"],
                    },
                )

        stats = redis.Redis(port=server.port)
        batch_app, batch_redis = measure(stats, batches, BATCHES * 1000)
        single_app, single_redis = measure(stats, one_by_one, SINGLES)
        print(
            f"per 1,000 views: batch app {batch_app:.1f} ms + redis {batch_redis:.1f} ms CPU "
            f"(~{1e6 / max(batch_app, batch_redis):,.0f} views/s per core); "
            f"one by one app {single_app:.1f} ms + redis {single_redis:.1f} ms; "
            f"batch/one-by-one CPU ratio "
            f"{(batch_app + batch_redis) / (single_app + single_redis):.3f}"
        )
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
