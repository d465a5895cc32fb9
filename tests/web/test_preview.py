"""Preview links on the web: the unpublished article as its public page will look, with a
banner, for holders of a signed link only; never indexed, cached or counted."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
import requests

from portalkit.config import ConfigError
from portalkit.preview import sign_preview
from support.servers import RedisServer
from support.stack import TOKEN, Stack
from web.settings import Settings

SECRET = "preview-secret-of-the-tests"
WEB_TOKEN = "web-preview-token"
COUNTER_ONLY = "web-counter-token"


@pytest.fixture(scope="module")
def articles_api(tmp_path_factory) -> Iterator[Stack]:
    """The articles API as its Procfile process; the web's token may read drafts only."""
    redis_server = RedisServer().start()
    tokens = f"e2e:{TOKEN},web:{WEB_TOKEN}:drafts.read,shipper:{COUNTER_ONLY}:counter.write"
    stack = Stack(tmp_path_factory.mktemp("preview"), redis_server.url, env={"API_TOKENS": tokens})
    try:
        stack.migrate()
        stack.start("articles")
        body = {"slug": "kinh-te", "name": "Kinh tế"}
        reply = requests.post(
            stack.url("articles") + "/v1/categories", json=body, headers=stack.auth
        )
        assert reply.status_code == 201, reply.text
        yield stack
    finally:
        stack.close()
        redis_server.cleanup()


@pytest.fixture
def preview_app(make_app, articles_api):
    def make(**overrides):
        settings = {
            "articles_url": articles_api.url("articles"),
            "preview_secret": SECRET,
            "web_api_token": WEB_TOKEN,
            "page_cache_s": 60,
        }
        return make_app(**{**settings, **overrides})

    return make


@pytest.fixture
def web(preview_app):
    return preview_app().test_client()


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


def _draft(stack: Stack, **fields) -> dict:
    body = {"title": "Dự thảo: Sơ kết nông thôn mới", "category": "kinh-te", **fields}
    reply = requests.post(stack.url("articles") + "/v1/articles", json=body, headers=stack.auth)
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_a_draft_is_shown_only_through_a_preview_link(web, articles_api):
    draft = _draft(articles_api, body_html="<p>Nội dung chưa đăng.</p>")
    assert web.get(f"/kinh-te/{draft['slug']}-{draft['id']}.html").status_code == 404
    page = web.get(f"/xem-truoc/{sign_preview(draft['id'], SECRET)}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dự thảo: Sơ kết nông thôn mới" in html
    assert "Nội dung chưa đăng." in html
    assert '<p class="preview-banner" role="status">Bản xem trước</p>' in html


def test_a_preview_is_noindex_no_store_and_never_counted(web, articles_api):
    draft = _draft(articles_api, status="review")
    page = web.get(f"/xem-truoc/{sign_preview(draft['id'], SECRET)}")
    html = page.get_data(as_text=True)
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'rel="canonical"' not in html
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in directives(page.headers["Cache-Control"])
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "data-view-beacon" not in html
    assert "lượt xem" not in html


def test_a_preview_is_never_kept_in_the_page_cache(preview_app, articles_api, redis_url):
    web = preview_app().test_client()
    draft = _draft(articles_api)
    link = f"/xem-truoc/{sign_preview(draft['id'], SECRET)}"
    assert web.get(link).status_code == 200
    assert "X-Cache" not in web.get(link).headers
    assert list(redis.Redis.from_url(redis_url).scan_iter("web:page:*")) == []
    requests.patch(
        f"{articles_api.url('articles')}/v1/articles/{draft['id']}",
        json={"title": "Tiêu đề đã sửa"},
        headers=articles_api.auth,
    ).raise_for_status()
    assert "Tiêu đề đã sửa" in web.get(link).get_data(as_text=True)


def test_an_expired_link_is_a_410_page(web, articles_api):
    draft = _draft(articles_api)
    old = sign_preview(draft["id"], SECRET, issued_at=time.time() - 3600 - 5)
    page = web.get(f"/xem-truoc/{old}")
    assert page.status_code == 410
    assert page.mimetype == "text/html"
    assert "Liên kết xem trước đã hết hạn" in page.get_data(as_text=True)
    assert "no-store" in directives(page.headers["Cache-Control"])


def test_the_max_age_is_a_setting(preview_app, articles_api):
    draft = _draft(articles_api)
    web = preview_app(preview_max_age_s=7200).test_client()
    link = sign_preview(draft["id"], SECRET, issued_at=time.time() - 3600 - 5)
    assert web.get(f"/xem-truoc/{link}").status_code == 200


def tampered(token: str) -> str:
    """``token`` with one character of its signature changed. Not its last two: the last
    character of base64 carries padding bits, and a change there may decode alike."""
    position = len(token) - 5
    changed = "A" if token[position] != "A" else "B"
    return token[:position] + changed + token[position + 1 :]


@pytest.mark.parametrize(
    "link",
    [
        lambda article_id: sign_preview(article_id, "another-secret-entirely"),
        lambda article_id: tampered(sign_preview(article_id, SECRET)),
        lambda article_id: "khong-phai-lien-ket",
        lambda article_id: sign_preview(999_999, SECRET),
    ],
)
def test_a_tampered_link_or_a_missing_article_is_a_404_page(web, articles_api, link):
    draft = _draft(articles_api)
    page = web.get(f"/xem-truoc/{link(draft['id'])}")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert page.headers["X-Robots-Tag"] == "noindex"


def test_a_web_token_without_drafts_read_shows_no_draft(preview_app, articles_api):
    draft = _draft(articles_api)
    web = preview_app(web_api_token=COUNTER_ONLY).test_client()
    page = web.get(f"/xem-truoc/{sign_preview(draft['id'], SECRET)}")
    assert page.status_code == 404  # the articles API reads it as the public would
    assert "Dự thảo" not in page.get_data(as_text=True)


def test_preview_settings_come_from_files_and_a_bad_secret_is_never_shown(tmp_path):
    secret = tmp_path / "preview_secret"
    secret.write_text("a-long-preview-secret-1\n")
    settings = Settings.from_env(
        {
            "PREVIEW_SECRET_FILE": str(secret),
            "PREVIEW_MAX_AGE_S": "600",
            "WEB_API_TOKEN": "web-t0ken",
        }
    )
    assert (settings.preview_secret, settings.preview_max_age_s) == ("a-long-preview-secret-1", 600)
    assert settings.web_api_token == "web-t0ken"
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"PREVIEW_SECRET": "too-short"})
    assert caught.value.name == "PREVIEW_SECRET"
    assert "too-short" not in str(caught.value)
    with pytest.raises(ConfigError):
        Settings.from_env({"PREVIEW_MAX_AGE_S": "5"})
