"""What the app factory builds for the views, read back typed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from portalkit.extensions import AppSlot
from web.api_client import ApiClient

if TYPE_CHECKING:
    from web.rendered import RenderedPageCache

api_client = AppSlot[ApiClient]("web.api_client")
"""The articles, counter and weather APIs, read through the page data cache."""
api_pool = AppSlot[ThreadPoolExecutor]("web.api_pool")
"""The threads a page reads several APIs at once from."""
rendered_pages: AppSlot[RenderedPageCache] = AppSlot("web.rendered_pages")
"""Whole pages for anonymous readers (:mod:`web.rendered`)."""
