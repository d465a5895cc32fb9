"""Photos on the portal's pages: ``<picture>`` from the renditions the articles-worker
made, sizes for the layout, captions, lazy loading below the fold, served same-origin
with a year's cache, and the page policy opened to a photo CDN when one is set."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from support.photos import BLUE, RED, colour_at, exif_of, near, phone_jpeg, plain_jpeg


@pytest.fixture(scope="module")
def photo_article(content):
    """A published article showing an uploaded phone photo, in its images and its body."""
    shot = content.photo(
        phone_jpeg(1200, 900), caption="Người dân thu hoạch chè", credit="Thu Trang"
    )
    inline = content.photo(plain_jpeg(2000, 1200, seed=11), alt="Cầu treo qua suối")
    article = content.article(
        title="Cầu treo mới qua suối Nậm Kim",
        category="kinh-te",
        published_at="2023-09-01T02:00:00+00:00",  # older than the feature: not the home lead
        images=[{"media_id": shot["id"]}],
        body_html=f'<p>CTTĐT - Mở đầu.</p><img data-media-id="{inline["id"]}"><p>Tiếp theo.</p>',
    )
    return {"article": article, "shot": shot, "inline": inline}


def page_of(live, article) -> BeautifulSoup:
    category = article["category"]["slug"]
    answer = live.get(f"/{category}/{article['slug']}-{article['id']}.html")
    assert answer.status_code == 200
    return BeautifulSoup(answer.get_data(as_text=True), "html.parser")


def test_the_article_page_shows_the_photo_with_sources_size_and_caption(live, photo_article):
    page = page_of(live, photo_article["article"])
    figure = page.select_one("figure.article-figure:has(img[alt='Người dân thu hoạch chè'])")
    assert figure is not None, page.select("figure")
    webp, jpeg = figure.select("picture source")
    assert webp["type"] == "image/webp" and jpeg["type"] == "image/jpeg"
    widths = r"\S+-320\.webp 320w, \S+-640\.webp 640w, \S+-1024\.webp 1024w"
    assert re.fullmatch(widths, webp["srcset"])
    assert webp["sizes"] == "(max-width: 860px) 100vw, 760px"
    img = figure.select_one("picture img")
    assert img["src"].endswith("-1024.jpg")
    assert (img["width"], img["height"]) == ("1024", "768")
    assert img["loading"] == "lazy"
    assert figure.figcaption.get_text(" ", strip=True) == "Người dân thu hoạch chè (Thu Trang)"


def test_a_photo_named_in_the_body_is_shown_in_place(live, photo_article):
    body = page_of(live, photo_article["article"]).select_one(".article-body")
    parts = [child.name for child in body.find_all(["p", "figure"], recursive=False)]
    assert parts[:3] == ["p", "figure", "p"]
    img = body.select_one("figure img[alt='Cầu treo qua suối']")
    assert img is not None and (img["width"], img["height"]) == ("1024", "614")
    assert "1600w" in body.select_one("figure source")["srcset"]
    assert "data-media-id" not in str(body)


def test_the_rendition_is_served_upright_without_metadata_and_cached_for_a_year(
    live, photo_article
):
    page = page_of(live, photo_article["article"])
    src = page.select_one("img[alt='Người dân thu hoạch chè']")["src"]
    assert src.startswith("/media/")
    answer = live.get(src)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert exif_of(answer.data) == {}
    assert near(colour_at(answer.data, 0.5, 0.05), RED)
    assert near(colour_at(answer.data, 0.5, 0.95), BLUE)


def test_lists_and_results_use_the_small_renditions(live, photo_article):
    answer = live.get("/search?q=cau+treo+nam+kim")
    page = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    teaser = page.select_one(f"a.teaser-image[href$='-{photo_article['article']['id']}.html']")
    source = teaser.select_one("source[type='image/webp']")
    assert source["sizes"] == "(max-width: 560px) 100vw, 240px"
    smallest = photo_article["shot"]["renditions"][0]
    assert source["srcset"].startswith(smallest["url"].replace(".jpg", ".webp"))
    assert "320w" in source["srcset"]


def test_the_page_policy_allows_photos_from_a_cdn(make_app):
    app = make_app(media_public_url="https://anh.yenbai.example/media/")
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://anh.yenbai.example;" in policy
    same_origin = make_app().test_client().get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in same_origin
