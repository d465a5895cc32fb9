"""Photos in headless Chromium: an uploaded phone photo shows upright in the WebP the
browser picks, at the size the layout needs, under the page's policy, lazily when
below the fold; on a narrow screen the browser takes a smaller rendition."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from support.photos import phone_jpeg

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def photo_article(content):
    shot = content.photo(phone_jpeg(1600, 1200), caption="Người dân thu hoạch chè")
    article = content.article(
        title="Mùa thu hoạch chè ở Suối Giàng",
        category="kinh-te",
        published_at="2023-09-01T02:00:00+00:00",  # older than the feature: not the home lead
        images=[{"media_id": shot["id"]}],
    )
    content.wait_until_consumed(groups=("counter", "web"))
    return article


def path_of(article: dict) -> str:
    return f"/{article['category']['slug']}/{article['slug']}-{article['id']}.html"


def loaded(page: Page, selector: str) -> dict:
    photo = page.locator(selector)
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle(), timeout=20_000
    )
    return photo.evaluate(
        "(img) => ({src: img.currentSrc, width: img.naturalWidth, height: img.naturalHeight,"
        " shown: img.getBoundingClientRect().width, loading: img.loading})"
    )


def test_the_photo_loads_as_webp_upright_with_its_caption(page: Page, photo_article):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path_of(photo_article))
    figure = page.locator("figure.article-figure", has_text="Người dân thu hoạch chè")
    expect(figure.locator("figcaption")).to_have_text("Người dân thu hoạch chè")
    image = loaded(page, "figure.article-figure img")
    assert image["src"].endswith(".webp")
    assert image["width"] > image["height"]  # upright: the phone stored it sideways
    assert image["width"] >= image["shown"]
    assert image["loading"] == "lazy"


def test_a_narrow_screen_gets_a_smaller_rendition(browser, stack, photo_article):
    phone = browser.new_context(
        base_url=stack.url("web"), viewport={"width": 360, "height": 740}, device_scale_factor=1
    )
    try:
        page = phone.new_page()
        page.goto(path_of(photo_article))
        image = loaded(page, "figure.article-figure img")
        assert image["src"].endswith("-640.webp") or image["src"].endswith("-320.webp")
    finally:
        phone.close()
