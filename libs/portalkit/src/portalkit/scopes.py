"""The scopes an API token may hold (docs/api.md, "Tokens and scopes")."""

from __future__ import annotations

ARTICLES_WRITE = "articles.write"
ARTICLES_PUBLISH = "articles.publish"
CATEGORIES_WRITE = "categories.write"
MEDIA_WRITE = "media.write"
COUNTER_WRITE = "counter.write"
WEATHER_REFRESH = "weather.refresh"
DRAFTS_READ = "drafts.read"
ACT_AS = "act-as"

SCOPES = frozenset(
    {
        ARTICLES_WRITE,
        ARTICLES_PUBLISH,
        CATEGORIES_WRITE,
        MEDIA_WRITE,
        COUNTER_WRITE,
        WEATHER_REFRESH,
        DRAFTS_READ,
        ACT_AS,
    }
)
"""Every scope; a token listed without scopes holds them all."""
