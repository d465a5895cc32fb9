"""The other pages in Chromium: clean consoles, no CSP violations, readable on a phone."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from support.portal_content import FEATURE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", None),
        ("/tin-trong-tinh/", "Tin trong tỉnh"),
        ("/kinh-te/?page=1", "Kinh tế"),
        ("/search?q=an+ninh+nong+thon", "Tìm kiếm"),
    ],
)
def test_pages_render_cleanly(page: Page, path, heading):
    page.goto(path)

    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator(".site-footer")).to_be_visible()
    if heading:
        expect(page.locator("main h1")).to_have_text(heading)


@pytest.mark.parametrize("path", ["/rss.xml", "/rss/kinh-te.xml", "/sitemap.xml"])
def test_feeds_open_in_the_browser_without_errors(page: Page, path):
    response = page.goto(path)

    assert response.status == 200
    assert response.header_value("content-type").split(";")[0] in {
        "application/rss+xml",
        "application/xml",
    }


def test_the_404_page_is_friendly(page: Page, problems):
    problems.allow("the server responded with a status of 404")

    response = page.goto("/khong-co-trang-nay/")

    assert response.status == 404
    expect(page.locator("main h1")).to_have_text("Không tìm thấy trang")
    expect(page.locator("main a[href='/']")).to_be_visible()


def test_home_shows_the_latest_article_and_the_weather(page: Page, content):
    page.goto("/")

    expect(page.locator(".home-lead")).to_contain_text(FEATURE["title"])
    expect(page.locator(".weather-box")).to_be_visible()


def test_search_leads_to_the_article(page: Page, content):
    page.goto("/")
    page.fill("#search-q", "an ninh nong thon")
    page.press("#search-q", "Enter")

    page.click(f"text={FEATURE['title']}")

    expect(page.locator("h1.article-title")).to_have_text(FEATURE["title"])


def test_article_page_fits_a_phone(browser: Browser, stack, content, artifacts):
    phone = browser.new_context(
        base_url=stack.url("web"), viewport={"width": 375, "height": 740}, is_mobile=True
    )
    try:
        tab = phone.new_page()
        item = content.feature
        tab.goto(f"/{item['category']['slug']}/{item['slug']}-{item['id']}.html")

        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        tab.screenshot(path=artifacts / "article-page-phone.png", full_page=True)
    finally:
        phone.close()


def test_without_javascript_the_count_is_shown_and_no_view_is_sent(
    browser: Browser, stack, content
):
    article = content.article()
    requests.put(
        f"{stack.url('counter')}/v1/views/{article['id']}",
        json={"views": 25000},
        headers=stack.auth,
        timeout=5,
    ).raise_for_status()
    reader = browser.new_context(base_url=stack.url("web"), java_script_enabled=False)
    try:
        tab = reader.new_page()
        tab.goto(f"/{article['category']['slug']}/{article['slug']}-{article['id']}.html")

        expect(tab.locator(".view-count")).to_have_text("25.000 lượt xem")
    finally:
        reader.close()
    reply = requests.get(f"{stack.url('counter')}/v1/views/{article['id']}", timeout=5)
    assert reply.json()["views"] == 25000
