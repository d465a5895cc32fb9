"""A reader's view of the article page in headless Chromium, over the real processes."""

from __future__ import annotations

import os
import re
import time

import pytest
import requests
from playwright.sync_api import Page, expect

from support.portal_content import FEATURE
from support.servers import wait_until
from web.rendered import GENERATIONS_RECHECK_S

pytestmark = pytest.mark.browser

DATE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")
VIEWS = re.compile(r"^\d{1,3}(\.\d{3})* lượt xem$")


def path_of(article: dict) -> str:
    return f"/{article['category']['slug']}/{article['slug']}-{article['id']}.html"


def views(stack, article_id: int) -> int:
    return requests.get(f"{stack.url('counter')}/v1/views/{article_id}", timeout=5).json()["views"]


def open_article(page: Page, article: dict, reload: bool = False):
    """Open (or reload) the article and wait for its view beacon to be answered."""
    with page.expect_response(lambda r: "/beacon/view/" in r.url) as beacon:
        if reload:
            page.reload()
        else:
            page.goto(path_of(article))
    assert beacon.value.status == 204


def units_without_number(text: str) -> list[str]:
    bare = []
    for match in re.finditer(r"hPa|%|km/h|°C", text):
        before = text[: match.start()].rstrip()
        if not before or not before[-1].isdigit():
            bare.append(match.group())
    return bare


def test_article_page_shows_what_the_portal_page_shows(page: Page, stack, content, artifacts):
    requests.put(
        f"{stack.url('counter')}/v1/views/{content.feature['id']}",
        json={"views": 1799},
        headers=stack.auth,
        timeout=5,
    ).raise_for_status()

    page.goto(path_of(content.feature))

    expect(page.locator(".breadcrumb")).to_contain_text("Tin trong tỉnh")
    expect(page.locator(".breadcrumb")).to_contain_text("An ninh - Quốc phòng")
    expect(page.locator("h1.article-title")).to_have_text(FEATURE["title"])
    expect(page.locator(".article-date")).to_have_text("13/10/2023 13:41:46")
    expect(page.locator(".article-lead")).to_have_text(FEATURE["summary"])
    expect(page.locator(".article-body")).to_contain_text("CTTĐT - Sáng nay")
    expect(page.locator("figcaption")).to_have_text(
        [image["caption"] for image in FEATURE["images"]]
    )
    expect(page.locator(".article-author")).to_have_text("Minh Hạnh")
    expect(page.locator(".view-count")).to_have_text(VIEWS)
    expect(page.locator(".view-count")).to_have_text("1.799 lượt xem")
    expect(page.locator(".weather-box")).to_contain_text("Thấp nhất")
    expect(page.locator(".weather-box")).to_contain_text("Open-Meteo")
    expect(page.locator(".hotline")).to_be_visible()
    for image in page.locator(".article-body img").all():
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=artifacts / "article-page.png", full_page=True)


def test_the_count_rises_by_one_on_a_first_visit_and_not_on_a_reload(page: Page, stack, content):
    article = content.article()
    assert views(stack, article["id"]) == 0

    open_article(page, article)
    assert views(stack, article["id"]) == 1
    open_article(page, article, reload=True)
    assert views(stack, article["id"]) == 1

    # The page rendered before the view may be served again for PAGE_CACHE_S (2 s here):
    # the count shown catches up then, and reloads are still not counted.
    def shows_the_view() -> bool:
        if page.locator(".view-count").inner_text() == "1 lượt xem":
            return True
        open_article(page, article, reload=True)
        return False

    wait_until(shows_the_view, timeout=15, interval=0.5)
    assert views(stack, article["id"]) == 1


def test_font_size_choice_changes_the_body_and_survives_a_reload(page: Page, content):
    page.goto(path_of(content.feature))
    body = page.locator(".article-body")
    normal = float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))

    page.click("button[data-font-size=larger]")
    larger = float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    page.reload()
    after_reload = float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    page.click("button[data-font-size=smaller]")
    smaller = float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))

    assert larger > normal
    assert after_reload == larger
    assert smaller < normal
    expect(page.locator("button[data-font-size=smaller]")).to_have_attribute("aria-pressed", "true")


def test_english_switch_changes_the_interface_labels(page: Page, content):
    page.goto(path_of(content.feature))
    expect(page.locator(".font-size-label")).to_have_text("Xem cỡ chữ")

    page.click("text=English")

    expect(page.locator(".font-size-label")).to_have_text("Text size")
    expect(page.locator(".hotline")).to_contain_text("Hotline")
    expect(page.locator(".breadcrumb")).to_contain_text("Security - Defence")
    expect(page.locator(".view-count")).to_have_text(re.compile(r"^[\d,]+ views?$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    expect(page.locator(".main-nav")).to_contain_text("Home")
    page.click("text=Tiếng Việt")
    expect(page.locator(".main-nav")).to_contain_text("Trang chủ")


def test_place_picker_shows_another_place(page: Page, content):
    page.goto(path_of(content.feature))
    options = page.locator(".place-picker option")
    assert options.count() > 1
    chosen = options.nth(1)
    name, slug = chosen.inner_text(), chosen.get_attribute("value")

    page.select_option(".place-picker select", slug)
    with page.expect_navigation():
        page.click(".place-picker button")

    expect(page.locator(".weather-box h2")).to_contain_text(name)
    page.goto(path_of(content.feature))
    expect(page.locator(".weather-box h2")).to_contain_text(name)


def test_a_reading_without_pressure_humidity_or_wind_prints_no_bare_unit(
    page: Page, stack, content
):
    stack.provider.set("missing")
    try:
        wait_until_reading(stack, lambda reading: reading["pressure_hpa"] is None)
        page.goto(path_of(content.feature))
        box = page.locator(".weather-box")

        def updated() -> bool:
            if "hPa" not in box.inner_text():
                return True
            page.reload()
            return False

        wait_until(updated, timeout=30, interval=0.5)
        text = box.locator(".weather-text").inner_text()
        assert "Thấp nhất" in text and "Trời nhiều mây" in text
        assert units_without_number(box.inner_text()) == []
        for unit in ("hPa", "km/h"):
            assert unit not in box.inner_text()
    finally:
        stack.provider.set("ok")


def test_with_weather_stopped_the_page_renders_without_the_box(
    page: Page, stack, content, web_cache
):
    stop_for_good(stack, "weather")
    try:
        for key in web_cache.scan_iter("web:weather:*"):  # as when the cached reading expires
            web_cache.delete(key)
        # A web worker trusts the generations it read this long: the page the test before
        # loaded may otherwise be served once more, weather box and all.
        time.sleep(GENERATIONS_RECHECK_S)

        response = page.goto(path_of(content.feature))

        assert response.status == 200
        expect(page.locator("h1.article-title")).to_have_text(FEATURE["title"])
        expect(page.locator(".weather-box")).to_have_count(0)
        expect(page.locator(".weather-none")).to_have_text("Chưa có dữ liệu thời tiết")
    finally:
        stack.start("weather")


def stop_for_good(stack, name: str) -> None:
    """Stop a process and wait until its whole process group is gone.

    The Procfile line runs under a shell, so the stop can return while gunicorn still
    drains its workers, which may answer on a kept-alive connection meanwhile.
    """
    group = stack.processes[name].proc.pid
    stack.stop(name)

    def gone() -> bool:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        return False

    wait_until(gone, timeout=30, interval=0.1)


def wait_until_reading(stack, check) -> None:
    def ready() -> bool:
        reply = requests.get(stack.url("weather") + "/v1/weather", timeout=2)
        return reply.ok and check(reply.json())

    wait_until(ready, timeout=30, interval=0.2)
