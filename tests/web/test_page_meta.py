"""What crawlers and share cards read: description, canonical, a URL per language,
Open Graph, Twitter card and schema.org JSON-LD."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from bs4 import BeautifulSoup

from support.portal_content import FEATURE

ROOT = "http://localhost"


def feature_path(content) -> str:
    item = content.feature
    return f"/{item['category']['slug']}/{item['slug']}-{item['id']}.html"


def soup_of(live, path: str) -> BeautifulSoup:
    response = live.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.text, "html.parser")


def meta(soup: BeautifulSoup, key: str) -> str | None:
    found = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return found["content"] if found else None


def json_ld(soup: BeautifulSoup) -> dict[str, dict]:
    blocks = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    return {block["@type"]: block for block in blocks}


@pytest.mark.parametrize("path", ["/", "/kinh-te/", "/search", "/kinh-te/?page=2", "ARTICLE"])
def test_every_page_has_description_canonical_and_an_address_per_language(live, content, path):
    path = feature_path(content) if path == "ARTICLE" else path
    bare = path.replace("?page=2", "")
    query = "?page=2" if "page=2" in path else ""

    soup = soup_of(live, path)
    english = soup_of(live, path + ("&" if query else "?") + "lang=en")

    assert meta(soup, "description")
    assert soup.find("link", rel="canonical")["href"] == f"{ROOT}{bare}{query}"
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", hreflang=True)}
    joiner = "&" if query else "?"
    assert alternates == {
        "vi": f"{ROOT}{bare}{query}",
        "en": f"{ROOT}{bare}{query}{joiner}lang=en",
        "x-default": f"{ROOT}{bare}{query}",
    }
    assert english.find("link", rel="canonical")["href"] == alternates["en"]
    assert english.html["lang"] == "en"
    assert meta(english, "description") != meta(soup, "description") or path == bare


def test_the_english_url_is_english_without_any_cookie(live, content):
    live.get("/?lang=vi")  # a cookie saying Vietnamese must not win over the URL

    soup = soup_of(live, "/?lang=en")

    assert soup.html["lang"] == "en"
    assert meta(soup, "og:locale") == "en_US"


def test_article_share_card_names_the_article_its_photo_and_its_type(live, content):
    soup = soup_of(live, feature_path(content))

    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:title") == FEATURE["title"]
    assert meta(soup, "og:description") == FEATURE["summary"]
    assert meta(soup, "og:url") == ROOT + feature_path(content)
    assert meta(soup, "og:image") == ROOT + "/media/hoi-truong.svg"
    assert meta(soup, "og:locale") == "vi_VN"
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "article:published_time") == "2023-10-13T13:41:46+07:00"


def test_article_json_ld_is_a_news_article_with_every_field(live, content):
    blocks = json_ld(soup_of(live, feature_path(content)))

    article = blocks["NewsArticle"]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == FEATURE["title"]
    assert article["datePublished"] == "2023-10-13T13:41:46+07:00"
    assert datetime.fromisoformat(article["dateModified"]).utcoffset() is not None
    assert article["author"] == {"@type": "Person", "name": "Minh Hạnh"}
    assert article["publisher"]["name"]
    assert article["publisher"]["logo"]["url"].startswith(ROOT + "/static/")
    assert article["image"] == [ROOT + "/media/hoi-truong.svg", ROOT + "/media/ho-thac-ba.svg"]
    assert article["articleSection"] == "An ninh - Quốc phòng"
    assert article["inLanguage"] == "vi"
    assert article["mainEntityOfPage"]["@id"] == ROOT + feature_path(content)


def test_article_and_category_carry_their_breadcrumb_list(live, content):
    article = json_ld(soup_of(live, feature_path(content)))["BreadcrumbList"]
    category = json_ld(soup_of(live, "/kinh-te/?lang=en"))["BreadcrumbList"]

    names = [item["name"] for item in article["itemListElement"]]
    assert names == ["Trang chủ", "Tin trong tỉnh", "An ninh - Quốc phòng", FEATURE["title"]]
    assert [item["position"] for item in article["itemListElement"]] == [1, 2, 3, 4]
    assert article["itemListElement"][-1]["item"] == ROOT + feature_path(content)
    assert [item["item"] for item in category["itemListElement"]] == [
        f"{ROOT}/?lang=en",
        f"{ROOT}/tin-trong-tinh/?lang=en",
        f"{ROOT}/kinh-te/?lang=en",
    ]
    assert category["itemListElement"][0]["name"] == "Home"


def test_search_results_and_the_404_page_are_not_indexed(live, content):
    results = soup_of(live, "/search?q=kinh+te")
    missing = BeautifulSoup(live.get("/khong-co").text, "html.parser")

    assert meta(results, "robots") == "noindex, follow"
    assert meta(missing, "robots") == "noindex, follow"
    assert missing.find("link", rel="canonical") is None
    assert meta(missing, "description")
