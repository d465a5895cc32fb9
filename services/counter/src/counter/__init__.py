"""The counter service: exact, deduplicated, bot-proof view counts with rankings.

The API app is built by :func:`counter.app.create_app`; the consumer is
``python -m counter.consumer``.
"""
