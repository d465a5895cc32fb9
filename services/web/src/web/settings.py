"""The web front's settings: the common ones plus where the APIs live and cache times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from portalkit.config import DEV_TOKEN, CommonSettings, env, http_url, integer, number
from portalkit.preview import DEFAULT_MAX_AGE_S, DEV_PREVIEW_SECRET, preview_secret

DEV_SECRET_KEY = "dev-only-web-secret-change-me"  # noqa: S105 - local default, replaced in production


@dataclass(frozen=True)
class Settings(CommonSettings):
    """Where the three APIs live, how long page data is cached, how the portal calls itself."""

    checks_tokens: ClassVar[bool] = False  # no route of the web takes an API token

    max_body_bytes: int = 64 * 1024  # forms and beacons only; MAX_BODY_BYTES is for the APIs
    articles_url: str = "http://127.0.0.1:8001"
    counter_url: str = "http://127.0.0.1:8002"
    weather_url: str = "http://127.0.0.1:8003"
    secret_key: str = DEV_SECRET_KEY
    portal_name: str = "Cổng thông tin điện tử tỉnh Yên Bái"
    portal_name_en: str = "Yen Bai Provincial Portal"
    hotline: str = "0216 3 818 777"
    connect_timeout_s: float = 0.3
    read_timeout_s: float = 1.0
    article_cache_s: int = 300
    list_cache_s: int = 60
    weather_cache_s: int = 300
    page_cache_s: int = 10
    per_page: int = 10
    public_url: str | None = None
    media_public_url: str = "/media/"
    sitemap_urls: int = 50_000
    preview_secret: str = DEV_PREVIEW_SECRET
    preview_max_age_s: int = DEFAULT_MAX_AGE_S
    web_api_token: str = DEV_TOKEN

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        def seconds(name: str, default: int) -> int:
            return env(name, str(default), integer(0, 86400), environ)

        return cls.with_common(
            environ,
            max_body_bytes=cls.max_body_bytes,
            articles_url=env("ARTICLES_URL", cls.articles_url, http_url, environ),
            counter_url=env("COUNTER_URL", cls.counter_url, http_url, environ),
            weather_url=env("WEATHER_URL", cls.weather_url, http_url, environ),
            secret_key=env("SECRET_KEY", cls.secret_key, _secret, environ),
            portal_name=env("PORTAL_NAME", cls.portal_name, str, environ),
            portal_name_en=env("PORTAL_NAME_EN", cls.portal_name_en, str, environ),
            hotline=env("HOTLINE", cls.hotline, str, environ),
            connect_timeout_s=env(
                "API_CONNECT_TIMEOUT_S", str(cls.connect_timeout_s), number(0.01), environ
            ),
            read_timeout_s=env(
                "API_READ_TIMEOUT_S", str(cls.read_timeout_s), number(0.01), environ
            ),
            article_cache_s=seconds("ARTICLE_CACHE_S", cls.article_cache_s),
            list_cache_s=seconds("LIST_CACHE_S", cls.list_cache_s),
            weather_cache_s=seconds("WEATHER_CACHE_S", cls.weather_cache_s),
            # Whole rendered pages: kept short, as they show view counts that old.
            page_cache_s=env("PAGE_CACHE_S", str(cls.page_cache_s), integer(0, 3600), environ),
            per_page=env("PER_PAGE", str(cls.per_page), integer(1, 100), environ),
            # The portal's own address for canonical links, feeds and the sitemap; unset,
            # the request's Host is used (and pages are cached per host).
            public_url=env("PUBLIC_URL", None, _public_url, environ),
            # Where photo renditions are served (the articles service's MEDIA_PUBLIC_URL):
            # a CDN's origin is added to the pages' img-src.
            media_public_url=env("MEDIA_PUBLIC_URL", cls.media_public_url, _media_url, environ),
            # URLs in one sitemap file (the protocol's limit is 50,000); past it,
            # /sitemap.xml becomes an index of files this size.
            sitemap_urls=env("SITEMAP_URLS", str(cls.sitemap_urls), integer(1, 50_000), environ),
            # Preview links (/xem-truoc/<token>): signed by the newsroom with the same
            # secret; the unpublished article is read with the web's own token, which
            # needs the drafts.read scope.
            preview_secret=env(
                "PREVIEW_SECRET", cls.preview_secret, preview_secret, environ, secret=True
            ),
            preview_max_age_s=env(
                "PREVIEW_MAX_AGE_S", str(cls.preview_max_age_s), integer(60, 30 * 86400), environ
            ),
            web_api_token=env("WEB_API_TOKEN", cls.web_api_token, _token, environ, secret=True),
        )


def _public_url(raw: str) -> str:
    return http_url(raw).rstrip("/")


def _media_url(raw: str) -> str:
    if raw.startswith("/") and not raw.startswith("//"):
        return raw
    return http_url(raw)


def _token(raw: str) -> str:
    if len(raw) < 8 or ":" in raw:
        raise ValueError("must be the secret of an API_TOKENS entry (8+ characters, no ':')")
    return raw


def _secret(raw: str) -> str:
    if len(raw) < 16:
        raise ValueError("must be at least 16 characters")
    return raw
