"""Addresses readers and crawlers guess: a real 404 page at once, never a slash redirect
that ends in one; a category without its slash reaches the category."""

from __future__ import annotations

import re

from support.portal_content import FEATURE


def test_unknown_paths_are_the_404_page_without_a_redirect(live, content):
    for path in ("/khong-co-trang-nay", "/wp-login.php", "/a/b", "/a/b/c", "/search/"):
        response = live.get(path)

        assert response.status_code == 404, path
        assert "Location" not in response.headers, path
        assert "Không tìm thấy trang" in response.text, path


def test_a_category_without_its_slash_redirects_to_the_category(live, content):
    response = live.get("/kinh-te?page=2")

    assert response.status_code == 301
    assert response.headers["Location"].endswith("/kinh-te/?page=2")


def test_article_time_is_a_valid_html_datetime_with_an_offset(live, content):
    item = content.feature
    page = live.get(f"/{item['category']['slug']}/{item['slug']}-{item['id']}.html").text

    stamps = re.findall(r'<time[^>]*datetime="([^"]+)"', page)
    assert stamps == ["2023-10-13T13:41:46+07:00"]
    assert FEATURE["published_at"].startswith("2023-10-13T06:41:46")
