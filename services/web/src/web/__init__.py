"""The portal web front: server-rendered pages over the articles, counter and weather APIs.

The app is built by :func:`web.app.create_app`; the cache consumer is
``python -m web.consumer``. Pages and routes: docs/architecture.md.
"""
