"""RSS 2.0 and sitemap.xml: well-formed XML with the fields readers and crawlers need."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import feedparser

from support.portal_content import FEATURE

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


def parse_rss(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/rss+xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own reply
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return root.find("channel")


def test_all_news_feed_is_valid_rss_with_every_article(live, content):
    channel = parse_rss(live.get("/rss.xml"))

    assert channel.findtext("title")
    assert channel.findtext("link").startswith("http://localhost/")
    assert channel.findtext("description")
    items = channel.findall("item")
    titles = [item.findtext("title") for item in items]
    assert FEATURE["title"] in titles
    for item in items:
        link = item.findtext("link")
        assert link.startswith("http://localhost/") and link.endswith(".html")
        assert item.findtext("guid") == link
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None


def test_feed_items_are_newest_first(live, content):
    channel = parse_rss(live.get("/rss.xml"))

    dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in channel.iter("item")]
    assert dates == sorted(dates, reverse=True)


def test_category_feed_holds_only_that_category_and_its_subcategories(live, content):
    economy = parse_rss(live.get("/rss/kinh-te.xml"))
    parent = parse_rss(live.get("/rss/tin-trong-tinh.xml"))

    economy_links = [item.findtext("link") for item in economy.iter("item")]
    assert len(economy_links) == len(content.economy)
    assert all("/kinh-te/" in link for link in economy_links)
    parent_titles = [item.findtext("title") for item in parent.iter("item")]
    assert FEATURE["title"] in parent_titles
    assert any(title.startswith("Kinh tế nông thôn") for title in parent_titles)


def test_feed_of_an_unknown_category_is_404(live, content):
    assert live.get("/rss/khong-co.xml").status_code == 404


def test_sitemap_lists_categories_and_articles(live, content):
    response = live.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.data)  # noqa: S314 - our own reply
    locations = [url.findtext(f"{SITEMAP_NS}loc") for url in root.iter(f"{SITEMAP_NS}url")]
    assert "http://localhost/kinh-te/" in locations
    assert any(loc.endswith(f"-{content.feature['id']}.html") for loc in locations)


def test_every_feed_reads_cleanly_in_a_feed_reader(live, content):
    for path in ("/rss.xml", "/rss.xml?lang=en", "/rss/kinh-te.xml", "/rss/tin-trong-tinh.xml"):
        parsed = feedparser.parse(live.get(path).data)

        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.entries, path


def test_feed_channel_links_to_the_site_and_names_the_feed_as_self(live, content):
    channel = parse_rss(live.get("/rss/kinh-te.xml"))

    assert channel.findtext("link") == "http://localhost/kinh-te/"
    self_links = [link.get("href") for link in channel.findall(f"{ATOM_NS}link")]
    assert self_links == ["http://localhost/rss/kinh-te.xml"]


def test_english_feed_says_english_and_links_the_english_site(live, content):
    english = parse_rss(live.get("/rss.xml?lang=en"))
    vietnamese = parse_rss(live.get("/rss.xml?lang=vi"))

    assert english.findtext("language") == "en"
    assert english.findtext("link") == "http://localhost/?lang=en"
    assert vietnamese.findtext("language") == "vi"
    assert vietnamese.findtext("link") == "http://localhost/"


def test_rss_without_extension_leads_to_the_feed(live, content):
    for path in ("/rss", "/rss/"):
        response = live.get(path)

        assert response.status_code == 301, path
        assert response.headers["Location"].endswith("/rss.xml")
