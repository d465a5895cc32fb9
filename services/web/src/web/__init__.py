"""The portal web front: server-rendered pages over the articles, counter and weather APIs.

Pages: ``/`` (latest news by category, most read this week, weather), ``/<category>/``
(listing with paging and subcategories), ``/<category>/<slug>-<id>.html`` (the article;
a wrong slug or category answers 301), ``/search?q=``, ``/rss.xml``,
``/rss/<category>.xml``, ``/sitemap.xml``. Helpers for the pages: ``POST
/beacon/view/<id>`` (the view beacon, forwarded to the counter) and ``/media/<name>``
(article images from the articles service, same-origin). ``?lang=en`` and
``?place=<slug>`` switch the interface language and the weather place, and are
remembered in cookies. Home, listings and articles are kept whole for anonymous readers
for ``PAGE_CACHE_S`` seconds (:mod:`web.rendered`). Settings: :mod:`web.settings`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from portalkit.config import as_dict, load_or_exit
from portalkit.http import init_http
from portalkit.logging import configure_logging
from portalkit.redis_client import connect, ping
from web import errors, i18n, rendered, security, templating
from web.apis import Apis
from web.cache import PageCache
from web.rendered import RenderedPages
from web.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app; nothing connects until the first request."""
    if settings is None:
        settings = load_or_exit(Settings.from_env)
        configure_logging("web", settings.log_level)
    app = Flask(__name__)
    app.config.update(as_dict(settings))
    app.config["SETTINGS"] = settings
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

    redis_client = connect(settings.redis_url, socket_timeout=0.5)
    metrics = init_http(
        app,
        "web",
        ready_checks={"redis": lambda: ping(redis_client)},
        json_api=False,
        max_body_bytes=settings.max_body_bytes,
    )
    cache = PageCache(
        redis_client,
        lookups=metrics.counter("cache_lookups_total", "Page cache lookups.", ("result",)),
    )
    app.extensions["web.apis"] = Apis(
        settings,
        cache,
        failures=metrics.counter(
            "api_failures_total", "Calls to an API that failed or timed out.", ("service",)
        ),
    )
    app.extensions["web.pool"] = ThreadPoolExecutor(max_workers=8, thread_name_prefix="web-api")
    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    rendered.init_app(app, RenderedPages(cache, settings.page_cache_s))

    from web.views import beacon, feeds, media, pages

    app.register_blueprint(beacon.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(pages.bp)
    return app
