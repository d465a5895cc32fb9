"""Counts are exact under concurrency: each counted view is one atomic script call."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from counter_kit import view

THREADS = 50
VISITORS = 10_000


def record_all(app, jobs) -> list[dict]:
    """Send (article, visitor) views from THREADS threads, each with its own client."""
    chunks = [jobs[i::THREADS] for i in range(THREADS)]

    def run(chunk):
        client = app.test_client()
        return [view(client, article, visitor_id=visitor).get_json() for article, visitor in chunk]

    with ThreadPoolExecutor(THREADS) as pool:
        return [reply for replies in pool.map(run, chunks) for reply in replies]


def test_50_threads_recording_10000_distinct_visitors_count_exactly_10000(app, articles):
    articles.publish(42)
    started = time.perf_counter()

    replies = record_all(app, [(42, f"visitor-{n}") for n in range(VISITORS)])

    elapsed = time.perf_counter() - started
    count = app.test_client().get("/v1/views/42").get_json()
    print(
        f"\n{THREADS} threads, {VISITORS} distinct visitors: views={count['views']} "
        f"counted={sum(r['counted'] for r in replies)} unique~{count['unique_visitors']} "
        f"today={count['today']} in {elapsed:.1f}s ({VISITORS / elapsed:.0f} views/s in-process)"
    )
    assert count["views"] == VISITORS
    assert count["today"] == VISITORS
    assert sum(r["counted"] for r in replies) == VISITORS
    assert sorted(r["views"] for r in replies) == list(range(1, VISITORS + 1))
    assert abs(count["unique_visitors"] - VISITORS) <= VISITORS * 0.02


def test_1000_concurrent_views_from_one_visitor_count_once(app, articles):
    articles.publish(42)

    replies = record_all(app, [(42, "the-same-reader")] * 1000)

    assert sum(r["counted"] for r in replies) == 1
    assert app.test_client().get("/v1/views/42").get_json()["views"] == 1
