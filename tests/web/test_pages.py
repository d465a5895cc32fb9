"""The reader pages over the real services (the Procfile stack), the web app in-process."""

from __future__ import annotations

import re

import requests

from support.portal_content import FEATURE
from support.servers import wait_until

ARTICLE_PATH = re.compile(r"^/an-ninh-quoc-phong/[a-z0-9-]+-\d+\.html$")


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".")


def feature_path(content) -> str:
    item = content.feature
    return f"/{item['category']['slug']}/{item['slug']}-{item['id']}.html"


def test_article_page_carries_every_part_of_the_portal_page(live, stack, content):
    requests.put(
        f"{stack.url('counter')}/v1/views/{content.feature['id']}",
        json={"views": 1799},
        headers=stack.auth,
        timeout=5,
    ).raise_for_status()

    response = live.get(feature_path(content))

    assert response.status_code == 200
    page = response.text
    assert ARTICLE_PATH.match(feature_path(content))
    assert "Tin trong tỉnh" in page and "An ninh - Quốc phòng" in page
    assert FEATURE["title"] in page
    assert "13/10/2023 13:41:46" in page
    assert FEATURE["summary"] in page
    assert "CTTĐT - Sáng nay" in page
    assert "<figcaption>Quang cảnh hội nghị sơ kết</figcaption>" in page
    assert "Minh Hạnh" in page
    assert "1.799 lượt xem" in page
    assert "Xem cỡ chữ" in page
    assert "Đường dây nóng" in page
    assert 'class="weather-box"' in page
    assert re.search(r"\d+°C\. Thấp nhất \d+°C, cao nhất \d+°C\. Trời nhiều mây\.", text_of(page))


def test_a_wrong_slug_redirects_permanently_to_the_right_address(live, content):
    item = content.feature
    right = feature_path(content)

    for wrong in (
        f"/an-ninh-quoc-phong/tieu-de-cu-{item['id']}.html",
        f"/kinh-te/{item['slug']}-{item['id']}.html",
    ):
        response = live.get(wrong)
        assert response.status_code == 301, wrong
        assert response.headers["Location"].endswith(right)


def test_an_article_that_does_not_exist_is_the_404_page(live, content):
    response = live.get("/kinh-te/khong-co-bai-nay-999999.html")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_category_lists_its_articles_with_paging(live, content):
    first = live.get("/kinh-te/")
    second = live.get("/kinh-te/?page=2")

    assert first.status_code == second.status_code == 200
    assert first.text.count('class="teaser"') == 5
    assert second.text.count('class="teaser"') == 2
    assert "Kinh tế nông thôn khởi sắc, bài 7" in first.text
    assert "Kinh tế nông thôn khởi sắc, bài 1" in second.text
    assert 'href="/kinh-te/?page=2"' in first.text


def test_a_parent_category_shows_its_subcategories_and_their_articles(live, content):
    page = live.get("/tin-trong-tinh/").text

    assert 'href="/an-ninh-quoc-phong/"' in page
    assert 'href="/kinh-te/"' in page
    assert FEATURE["title"] in page  # an article of the subcategory an-ninh-quoc-phong


def test_an_unknown_category_is_the_404_page(live, content):
    assert live.get("/khong-co-chuyen-muc/").status_code == 404


def test_home_shows_latest_news_sections_and_weather(live, content):
    page = live.get("/").text

    assert FEATURE["title"] in page
    assert "Tin trong tỉnh" in page
    assert 'class="weather-box"' in page


def test_search_finds_articles_without_accents(live, content):
    page = live.get("/search?q=an ninh nong thon").text

    assert FEATURE["title"] in page
    assert "kết quả cho" in page


def test_english_switch_changes_labels_and_category_names(live, content):
    page = live.get(feature_path(content) + "?lang=en").text

    assert "Security - Defence" in page
    assert "Text size" in page
    assert "Hotline" in page
    count = re.search(r'<p class="view-count">([^<]*)</p>', page)
    assert count and re.fullmatch(r"[\d,]+ views?", count[1]), count


def test_media_is_served_from_the_same_origin(live, content):
    response = live.get("/media/hoi-truong.svg")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert live.get("/media/khong-co.svg").status_code == 404


def test_article_markup_is_inserted_never_run_as_a_template(live, content):
    article = content.article(
        body_html="<p>Biểu thức {{ 7*7 }} và {% if true %}khối{% endif %} giữ nguyên.</p>"
        '<p onclick="alert(1)">Đoạn<script>alert(2)</script> cuối.</p>'
    )

    page = live.get(f"/{article['category']['slug']}/{article['slug']}-{article['id']}.html").text

    assert "{{ 7*7 }}" in page
    assert "{% if true %}khối{% endif %}" in page
    assert "alert(" not in page
    assert "onclick" not in page


def test_most_read_this_week_is_on_the_home_page(live, stack, content):
    article = content.article(title="Bài được đọc nhiều nhất tuần này")
    for reader in ("a", "b", "c"):
        requests.post(
            f"{stack.url('counter')}/v1/views",
            json={"article_id": article["id"], "visitor_id": f"reader-{reader}"},
            headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120"},
            timeout=5,
        ).raise_for_status()

    def most_read() -> str:
        page = live.get("/").text
        return page.split("Đọc nhiều trong tuần", 1)[-1].split("</ol>")[0]

    # the counter keeps a merged weekly ranking for RANKING_CACHE_S (1 s in this stack),
    # and the web the rendered page for PAGE_CACHE_S (2 s for live_app)
    assert wait_until(lambda: "Bài được đọc nhiều nhất tuần này" in most_read(), timeout=10)


def test_a_stale_reading_says_when_it_was_measured(live, stack, content):
    stack.provider.set("500")
    try:
        wait_until(
            lambda: requests.get(f"{stack.url('weather')}/v1/weather", timeout=2).json()["stale"],
            timeout=60,
            interval=0.5,
        )
        page = text_of(live.get(feature_path(content)).text)
    finally:
        stack.provider.set("ok")

    assert re.search(r"Số liệu đo lúc \d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", page)
    assert "Thấp nhất" in page


def test_the_chosen_place_is_shown_and_remembered(live, stack, content):
    wait_until(
        lambda: requests.get(f"{stack.url('weather')}/v1/weather/tram-tau", timeout=2).ok,
        timeout=30,
    )

    chosen = live.get(feature_path(content) + "?place=tram-tau")
    remembered = live.get(feature_path(content))

    assert "place=tram-tau" in chosen.headers["Set-Cookie"]
    for response in (chosen, remembered):
        box = text_of(response.text.split('class="weather-box"', 1)[1].split("</section>")[0])
        assert "Trạm Tấu" in box.split("Địa điểm")[0]


def test_an_unknown_place_falls_back_to_the_default_one(live, stack, content):
    default = requests.get(f"{stack.url('weather')}/v1/weather", timeout=5).json()["location"]

    page = live.get(feature_path(content) + "?place=khong-co-noi-nay").text

    assert f'<span class="weather-place">{default["name"]}</span>' in page
    assert f'<option value="{default["slug"]}" selected>' in page
    assert re.search(r'<strong class="weather-temp">\d+°C\.</strong>', page)
