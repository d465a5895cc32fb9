"""robots.txt, the sitemap (one file or an index of files) and the news sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import requests

from web import extensions as web_extensions

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
ROOT = "http://localhost"


def xml_of(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.data)  # noqa: S314 - our own reply


def locations(root: ET.Element) -> list[str]:
    return [loc.text for loc in root.iterfind("sm:url/sm:loc", NS)]


def test_robots_txt_names_the_sitemaps(live, content):
    response = live.get("/robots.txt")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {ROOT}/sitemap.xml" in lines
    assert f"Sitemap: {ROOT}/sitemap-news.xml" in lines


def test_one_sitemap_lists_every_page_with_its_english_address(live, content):
    root = xml_of(live, "/sitemap.xml")

    found = locations(root)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    assert found[0] == f"{ROOT}/"
    assert f"{ROOT}/kinh-te/" in found
    articles = [loc for loc in found if loc.endswith(".html")]
    assert len(articles) == len(set(articles)) == 1 + len(content.economy) + len(content.others)
    first = root.find("sm:url", NS)
    alternates = {
        link.get("hreflang"): link.get("href") for link in first.iterfind("xhtml:link", NS)
    }
    assert alternates == {"vi": f"{ROOT}/", "en": f"{ROOT}/?lang=en", "x-default": f"{ROOT}/"}
    for lastmod in root.iterfind("sm:url/sm:lastmod", NS):
        assert datetime.fromisoformat(lastmod.text).microsecond == 0
        assert datetime.fromisoformat(lastmod.text).utcoffset() is not None


@pytest.fixture
def small_files(live_app):
    """Sitemap files of three URLs at most: the live app needs an index at once."""
    live_app.config["SITEMAP_URLS"] = 3
    yield
    live_app.config["SITEMAP_URLS"] = 50_000


def test_past_one_files_worth_the_sitemap_is_an_index_of_files(live, content, small_files):
    live.application.config["SITEMAP_URLS"] = 50_000
    whole = locations(xml_of(live, "/sitemap.xml"))
    live.application.config["SITEMAP_URLS"] = 3

    index = xml_of(live, "/sitemap.xml")

    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    files = [loc.text for loc in index.iterfind("sm:sitemap/sm:loc", NS)]
    assert files[0] == f"{ROOT}/sitemap-pages.xml"
    assert files[-1] == f"{ROOT}/sitemap-news.xml"
    listed: list[str] = []
    for url in files[:-1]:
        part = locations(xml_of(live, url.removeprefix(ROOT)))
        assert 0 < len(part) <= 3 or url.endswith("pages.xml")
        listed += part
    assert sorted(listed) == sorted(whole)
    assert live.get(f"/sitemap-articles-{len(files)}.xml").status_code == 404


@pytest.fixture
def fresh_article(stack, content):
    """An article published an hour ago, deleted afterwards."""
    item = content.article(
        title="Tin nóng: lễ hội mùa vàng Mù Cang Chải",
        category="van-hoa-xa-hoi",
        published_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat(),
    )
    yield item
    requests.delete(
        f"{stack.url('articles')}/v1/articles/{item['id']}", headers=stack.auth, timeout=5
    )
    content.others.remove(item)


def test_news_sitemap_holds_the_last_two_days_only(live_app, live, content, fresh_article):
    web_extensions.api_client(live_app).cache.client.flushdb()

    root = xml_of(live, "/sitemap-news.xml")

    entries = root.findall("sm:url", NS)
    assert [e.findtext("sm:loc", namespaces=NS) for e in entries] == [
        f"{ROOT}/van-hoa-xa-hoi/{fresh_article['slug']}-{fresh_article['id']}.html"
    ]
    news = entries[0].find("news:news", NS)
    assert news.findtext("news:title", namespaces=NS) == fresh_article["title"]
    assert news.findtext("news:publication/news:language", namespaces=NS) == "vi"
    assert news.findtext("news:publication/news:name", namespaces=NS)
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert datetime.now(UTC) - published < timedelta(hours=2)
