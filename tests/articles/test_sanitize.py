"""``body_html`` is cleaned on every write; captions and structure stay."""

from __future__ import annotations

from articles_kit import AUTH

from articles.sanitize import clean_html

DIRTY = (
    '<p onclick="steal()">Đoạn mở đầu <a href="javascript:alert(1)">liên kết xấu</a> '
    '<a href="https://yenbai.gov.vn/">liên kết tốt</a></p>'
    "<script>alert('x')</script>"
    '<figure><img src="/media/doi-che.svg" alt="Đồi chè" onerror="steal()">'
    "<figcaption>Đồi chè Suối Giàng</figcaption></figure>"
    '<iframe src="https://evil.example/"></iframe>'
    '<p style="color:red" onmouseover="x()">Hết</p>'
    '<a href="JaVaScRiPt:alert(2)">hoa thường</a>'
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">'
)


def test_clean_html_removes_scripts_handlers_and_javascript_urls():
    cleaned = clean_html(DIRTY)
    lowered = cleaned.lower()
    assert "<script" not in lowered
    assert "alert" not in lowered
    assert "onclick" not in lowered
    assert "onerror" not in lowered
    assert "onmouseover" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered
    assert "style=" not in lowered
    assert "data:" not in lowered
    assert "<figcaption>Đồi chè Suối Giàng</figcaption>" in cleaned
    assert '<img src="/media/doi-che.svg" alt="Đồi chè">' in cleaned
    assert 'href="https://yenbai.gov.vn/"' in cleaned


def test_clean_html_keeps_what_an_article_needs():
    html = (
        "<h2>Tiêu đề</h2><p><strong>đậm</strong> <em>nghiêng</em></p>"
        "<ul><li>một</li></ul><ol><li>hai</li></ol><blockquote>trích</blockquote>"
        "<table><thead><tr><th>Cột</th></tr></thead><tbody><tr><td>Ô</td></tr></tbody></table>"
    )
    assert clean_html(html) == html


def test_api_sanitizes_on_create_and_on_edit(client, make_article):
    article = make_article(body_html=DIRTY)
    assert "<script" not in article["body_html"]
    assert "<figcaption>Đồi chè Suối Giàng</figcaption>" in article["body_html"]
    edited = client.patch(
        f"/v1/articles/{article['id']}",
        json={"body_html": '<p onload="x()">Sửa <a href="javascript:void(0)">đây</a></p>'},
        headers=AUTH,
    ).get_json()
    assert "onload" not in edited["body_html"]
    assert "javascript:" not in edited["body_html"]
    stored = client.get(f"/v1/articles/{article['id']}").get_json()
    assert stored["body_html"] == edited["body_html"]


def test_srcset_keeps_only_relative_and_http_urls():
    hostile = [
        '<source srcset="javascript:alert(1) 1x, /media/a.svg 2x">',
        '<source srcset="data:image/svg+xml,&lt;svg onload=alert(1)&gt; 1x">',
        '<source srcset="java&#x09;script:alert(1)">',
        '<source srcset="&#106;avascript:alert(1) 2x">',
    ]
    for markup in hostile:
        assert "srcset" not in clean_html(markup), markup
    kept = clean_html('<picture><source srcset="/media/a.svg 1x, https://x.vn/b.svg 2x"></picture>')
    assert 'srcset="/media/a.svg 1x, https://x.vn/b.svg 2x"' in kept
