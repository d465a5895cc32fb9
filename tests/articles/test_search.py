"""Accent-insensitive, ranked full-text search on both databases."""

from __future__ import annotations

import pytest
from articles_kit import AUTH

CORPUS = [
    ("Đảm bảo an ninh, trật tự dịp lễ hội", "Lực lượng công an tuần tra trên đèo Khau Phạ."),
    ("An ninh nông thôn được giữ vững", "Các xã vùng cao không để xảy ra điểm nóng."),
    ("Quốc phòng toàn dân vững mạnh", "Diễn tập khu vực phòng thủ huyện Trấn Yên."),
    ("Chè shan tuyết Suối Giàng đạt OCOP", "Những cây chè cổ thụ trăm năm tuổi."),
    ("Hồ Thác Bà đón khách du lịch", "Du thuyền và homestay ven hồ kín chỗ."),
    ("Mùa lúa chín Mù Cang Chải", "Ruộng bậc thang vàng óng thu hút du khách."),
    ("Học sinh vùng cao đến trường", "Thầy cô vượt suối đưa chữ lên bản."),
    ("Giải ngân vốn đầu tư công", "Đường giao thông liên xã được đẩy nhanh tiến độ."),
    ("Tuyển dụng viên chức giáo dục", "Hồ sơ nộp qua Cổng dịch vụ công trực tuyến."),
    ("Phòng chống sạt lở đất mùa mưa", "Di dời hộ dân khỏi vùng nguy hiểm."),
    ("Lễ hội Văn hóa Mường Lò", "Màn xòe Thái quanh đống lửa."),
    ("Đồng bào Mông giữ nghề dệt lanh", "Vẽ sáp ong trên vải lanh."),
]

# (query, title expected among the results): accented queries find unaccented-looking
# matches and the reverse, since both sides are folded the same way.
PAIRS = [
    ("an ninh trat tu", "Đảm bảo an ninh, trật tự dịp lễ hội"),
    ("an ninh trật tự", "Đảm bảo an ninh, trật tự dịp lễ hội"),
    ("dam bao", "Đảm bảo an ninh, trật tự dịp lễ hội"),
    ("đảm bảo", "Đảm bảo an ninh, trật tự dịp lễ hội"),
    ("an ninh nong thon", "An ninh nông thôn được giữ vững"),
    ("AN NINH NÔNG THÔN", "An ninh nông thôn được giữ vững"),
    ("quoc phong", "Quốc phòng toàn dân vững mạnh"),
    ("Quốc phòng", "Quốc phòng toàn dân vững mạnh"),
    ("che shan tuyet", "Chè shan tuyết Suối Giàng đạt OCOP"),
    ("chè suối giàng", "Chè shan tuyết Suối Giàng đạt OCOP"),
    ("ho thac ba", "Hồ Thác Bà đón khách du lịch"),
    ("Hồ Thác Bà", "Hồ Thác Bà đón khách du lịch"),
    ("mu cang chai", "Mùa lúa chín Mù Cang Chải"),
    ("ruộng bậc thang", "Mùa lúa chín Mù Cang Chải"),
    ("hoc sinh vung cao", "Học sinh vùng cao đến trường"),
    ("Học sinh", "Học sinh vùng cao đến trường"),
    ("giai ngan von", "Giải ngân vốn đầu tư công"),
    ("đầu tư công", "Giải ngân vốn đầu tư công"),
    ("tuyen dung vien chuc", "Tuyển dụng viên chức giáo dục"),
    ("dịch vụ công trực tuyến", "Tuyển dụng viên chức giáo dục"),
    ("sat lo dat", "Phòng chống sạt lở đất mùa mưa"),
    ("Sạt lở", "Phòng chống sạt lở đất mùa mưa"),
    ("muong lo", "Lễ hội Văn hóa Mường Lò"),
    ("xòe thái", "Lễ hội Văn hóa Mường Lò"),
    ("det lanh", "Đồng bào Mông giữ nghề dệt lanh"),
    ("dong bao mong", "Đồng bào Mông giữ nghề dệt lanh"),
    ("khau pha", "Đảm bảo an ninh, trật tự dịp lễ hội"),
    ("tran yen", "Quốc phòng toàn dân vững mạnh"),
]


@pytest.fixture
def corpus(make_article):
    for title, summary in CORPUS:
        make_article(title=title, summary=summary)


def search(client, q, **params):
    response = client.get("/v1/articles", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_accented_and_unaccented_queries_find_the_same_article(client, corpus):
    misses = []
    for query, title in PAIRS:
        titles = [item["title"] for item in search(client, query)["items"]]
        if title not in titles:
            misses.append((query, title, titles))
    assert misses == []
    assert len(PAIRS) >= 20


def test_every_word_must_match(client, corpus):
    assert search(client, "an ninh hồ thác bà")["total"] == 0
    assert search(client, "khong co tu nay")["total"] == 0


def test_the_last_word_may_be_a_prefix(client, corpus):
    titles = [item["title"] for item in search(client, "quoc pho")["items"]]
    assert titles == ["Quốc phòng toàn dân vững mạnh"]


def test_title_matches_rank_above_body_matches(client, make_article):
    make_article(title="Tin tổng hợp", summary="Có nhắc đến du lịch một lần.")
    make_article(title="Du lịch Yên Bái khởi sắc", summary="Bài viết về du lịch.")
    titles = [item["title"] for item in search(client, "du lich")["items"]]
    assert titles == ["Du lịch Yên Bái khởi sắc", "Tin tổng hợp"]


def test_search_covers_body_text_tags_and_captions(client, make_article):
    make_article(
        title="Bài có ảnh",
        body_html="<p>Nội dung về <b>cây quế</b> Văn Yên.</p>",
        tags=["Nông sản"],
        images=[{"url": "/media/doi-che.svg", "caption": "Đồi chè Suối Giàng"}],
    )
    assert search(client, "que van yen")["total"] == 1
    assert search(client, "nong san")["total"] == 1
    assert search(client, "doi che")["total"] == 1


def test_search_follows_edits_and_deletions(client, make_article):
    article = make_article(title="Tiêu đề ban đầu")
    client.patch(f"/v1/articles/{article['id']}", json={"title": "Tên khác hẳn"}, headers=AUTH)
    assert search(client, "ban dau")["total"] == 0
    assert search(client, "ten khac han")["total"] == 1
    client.delete(f"/v1/articles/{article['id']}", headers=AUTH)
    assert search(client, "ten khac han")["total"] == 0


def test_search_combines_with_filters_and_hides_drafts(client, make_article):
    make_article(title="An ninh biên giới", category="an-ninh-quoc-phong")
    make_article(title="An ninh mạng", category="tin-trong-nuoc")
    make_article(title="An ninh nháp", category="an-ninh-quoc-phong", status="draft")
    found = search(client, "an ninh", category="tin-trong-tinh")
    assert [item["title"] for item in found["items"]] == ["An ninh biên giới"]


def test_punctuation_and_operators_in_queries_are_harmless(client, corpus):
    for query in ('"an ninh', "an OR ninh", "*", "an & ninh | !", "NEAR(an ninh)", "-", "'"):
        response = client.get("/v1/articles", query_string={"q": query})
        assert response.status_code == 200, (query, response.get_json())
