"""The articles service: articles, the category tree, Vietnamese search, the outbox.

The API app is built by :func:`articles.app.create_app`; the relay is
``python -m articles.relay`` and operator commands ``python -m articles.manage``.
"""
