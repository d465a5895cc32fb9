"""Vietnamese-aware slugs, derived from titles by the API on each database."""

from __future__ import annotations

import pytest

from articles.vietnamese import fold, slugify

TITLES = [
    ("Yên Bái: Sơ kết công tác xây dựng", "yen-bai-so-ket-cong-tac-xay-dung"),
    ("Đảm bảo an ninh, trật tự", "dam-bao-an-ninh-trat-tu"),
    ("ĐẠI HỘI ĐẢNG BỘ TỈNH", "dai-hoi-dang-bo-tinh"),
    ("Mù Cang Chải mùa lúa chín", "mu-cang-chai-mua-lua-chin"),
    ("Hồ Thác Bà - điểm đến hấp dẫn", "ho-thac-ba-diem-den-hap-dan"),
    ("Chè shan tuyết Suối Giàng", "che-shan-tuyet-suoi-giang"),
    ("Nghĩa Lộ: Lễ hội Văn hóa Mường Lò", "nghia-lo-le-hoi-van-hoa-muong-lo"),
    ("Trạm Tấu đón khách du lịch", "tram-tau-don-khach-du-lich"),
    ("Lục Yên – vùng đất đá quý", "luc-yen-vung-dat-da-quy"),
    ("Văn Chấn phát triển cây ăn quả", "van-chan-phat-trien-cay-an-qua"),
    ("Quốc phòng toàn dân", "quoc-phong-toan-dan"),
    ("Tin trong tỉnh", "tin-trong-tinh"),
    ("Thông báo số 12/TB-UBND", "thong-bao-so-12-tb-ubnd"),
    ("Kỷ niệm 78 năm Cách mạng Tháng Tám", "ky-niem-78-nam-cach-mang-thang-tam"),
    ("Hội nghị lần thứ 15 (mở rộng)", "hoi-nghi-lan-thu-15-mo-rong"),
    ("“Ngày hội đại đoàn kết”", "ngay-hoi-dai-doan-ket"),
    ("Tuyển dụng viên chức năm 2024!", "tuyen-dung-vien-chuc-nam-2024"),
    ("Ứng phó với bão số 3 (Yagi)", "ung-pho-voi-bao-so-3-yagi"),
    ("Giữ gìn bản sắc dân tộc Mông", "giu-gin-ban-sac-dan-toc-mong"),
    ("Học sinh vùng cao đến trường", "hoc-sinh-vung-cao-den-truong"),
    ("Phòng, chống dịch bệnh ở gia súc", "phong-chong-dich-benh-o-gia-suc"),
    ("Ổn định đời sống người dân tái định cư", "on-dinh-doi-song-nguoi-dan-tai-dinh-cu"),
    ("Ưu tiên nguồn lực cho giáo dục", "uu-tien-nguon-luc-cho-giao-duc"),
    ("Sương mù dày đặc trên đèo Khau Phạ", "suong-mu-day-dac-tren-deo-khau-pha"),
    ("Gỡ khó cho doanh nghiệp", "go-kho-cho-doanh-nghiep"),
    ("Xuất khẩu quế đạt 50 triệu USD", "xuat-khau-que-dat-50-trieu-usd"),
    ("Tăng cường quản lý đất đai", "tang-cuong-quan-ly-dat-dai"),
    ("Đường cao tốc Nội Bài – Lào Cai", "duong-cao-toc-noi-bai-lao-cai"),
    ("Y tế cơ sở: nâng chất lượng khám, chữa bệnh", "y-te-co-so-nang-chat-luong-kham-chua-benh"),
    ("Bế mạc Hội khỏe Phù Đổng", "be-mac-hoi-khoe-phu-dong"),
    ("   Khoảng   trắng    thừa   ", "khoang-trang-thua"),
    ("Tiếng Việt có dấu: ă â ê ô ơ ư đ", "tieng-viet-co-dau-a-a-e-o-o-u-d"),
    ("Chuyển đổi số & dịch vụ công trực tuyến", "chuyen-doi-so-dich-vu-cong-truc-tuyen"),
    ("Yên Bình: Thu hoạch lúa xuân", "yen-binh-thu-hoach-lua-xuan"),
]


@pytest.mark.parametrize(("title", "slug"), TITLES)
def test_slugify_vietnamese_titles(title, slug):
    assert slugify(title) == slug


def test_decomposed_and_precomposed_forms_give_the_same_slug():
    precomposed = "Quốc phòng"
    decomposed = "Quo\u0302\u0301c pho\u0300ng"
    assert slugify(decomposed) == slugify(precomposed) == "quoc-phong"


def test_fold_lowercases_strips_marks_and_maps_d():
    assert fold("ĐẢM BẢO an ninh, TRẬT TỰ!") == "dam bao an ninh trat tu"


def test_long_titles_are_cut_at_a_word_boundary():
    title = "Hội nghị tổng kết " * 20
    slug = slugify(title)
    assert len(slug) <= 120
    assert slugify(title, max_length=1000).startswith(slug + "-")


def test_api_derives_these_slugs_on_this_database(client, make_article):
    for title, slug in TITLES:
        assert make_article(title=title)["slug"] == slug
    assert make_article(title="!!!")["slug"] == "bai-viet"
