"""The counter service: exact, deduplicated, bot-proof view counts with rankings.

The API app is built by :func:`counter.app.create_app`; the consumer is
``python -m counter.consumer``.
"""

HTTP_SERVER_SHAPE = {"workers": 3, "threads": 3}
"""How ``python -m portalkit.serve`` runs the counter's API where ``WEB_CONCURRENCY`` and
``HTTP_THREADS`` are not set: three worker processes of three threads, not the two of
four of the other services. A view's thread spends a larger share of its time waiting on
Redis' script than any other route's; with two workers of four threads, the threads of a
worker waited for each other's GIL hand-offs and the machine idled about a fifth of a
core under load. One more process keeps both cores busy: the view served about 15% more
requests a second, with the batch and the counts as before (BENCHMARKS.md)."""
