"""Sample content for local runs: a provincial category tree and about 20 articles.

The text is our own writing. Articles go through :mod:`articles.store`, like the
API's writes, so the published ones have their ``article.published`` events in the
outbox and the counter and web learn of them through the relay.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from articles import store
from articles.categories import create_category
from articles.db import Database
from articles.models import Category, utcnow

CATEGORIES = [
    {"slug": "tin-trong-tinh", "name": "Tin trong tỉnh", "name_en": "Provincial news"},
    {"slug": "chinh-tri", "name": "Chính trị", "name_en": "Politics", "parent": "tin-trong-tinh"},
    {"slug": "kinh-te", "name": "Kinh tế", "name_en": "Economy", "parent": "tin-trong-tinh"},
    {
        "slug": "van-hoa-xa-hoi",
        "name": "Văn hóa - Xã hội",
        "name_en": "Culture - Society",
        "parent": "tin-trong-tinh",
    },
    {
        "slug": "an-ninh-quoc-phong",
        "name": "An ninh - Quốc phòng",
        "name_en": "Security - Defence",
        "parent": "tin-trong-tinh",
    },
    {"slug": "tin-trong-nuoc", "name": "Tin trong nước", "name_en": "National news"},
    {"slug": "thong-bao", "name": "Thông báo", "name_en": "Announcements"},
]


def _image(name: str, caption: str) -> dict[str, str]:
    return {"url": f"/media/{name}", "caption": caption, "alt": caption}


def _body(*paragraphs: str, figure: tuple[str, str] | None = None) -> str:
    parts = [f"<p>{paragraphs[0]}</p>"]
    if figure:
        name, caption = figure
        parts.append(
            f'<figure><img src="/media/{name}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    parts += [f"<p>{text}</p>" for text in paragraphs[1:]]
    return "".join(parts)


ARTICLES: list[dict[str, Any]] = [
    {
        "title": "Yên Bái: Sơ kết công tác xây dựng nông thôn mới 6 tháng đầu năm",
        "category": "kinh-te",
        "author": "Minh Hạnh",
        "summary": "Sáu tháng đầu năm, toàn tỉnh có thêm 7 xã đạt chuẩn nông thôn mới "
        "và 2 xã đạt chuẩn nông thôn mới nâng cao.",
        "body_html": _body(
            "CTTĐT - Sáng nay, Ban Chỉ đạo các chương trình mục tiêu quốc gia của tỉnh họp "
            "sơ kết công tác xây dựng nông thôn mới sáu tháng đầu năm.",
            "Theo báo cáo, nhiều địa phương đã huy động được sức dân làm đường bê tông liên "
            "thôn, cải tạo nhà văn hóa và chỉnh trang khuôn viên hộ gia đình.",
            "Hội nghị đề nghị các huyện tập trung vào tiêu chí thu nhập và môi trường, đồng "
            "thời duy trì bền vững các tiêu chí đã đạt.",
            figure=(
                "ruong-bac-thang.svg",
                "Ruộng bậc thang ở một xã vùng cao đạt chuẩn nông thôn mới",
            ),
        ),
        "images": [_image("ruong-bac-thang.svg", "Diện mạo nông thôn vùng cao đổi thay")],
        "tags": ["Nông thôn mới", "Kinh tế"],
    },
    {
        "title": "Đảm bảo an ninh, trật tự dịp lễ hội mùa lúa chín Mù Cang Chải",
        "category": "an-ninh-quoc-phong",
        "author": "Trần Quốc Khánh",
        "summary": "Lực lượng công an bố trí các tổ tuần tra, hướng dẫn giao thông trên "
        "các tuyến đường dẫn vào khu ruộng bậc thang.",
        "body_html": _body(
            "CTTĐT - Công an huyện Mù Cang Chải đã triển khai phương án đảm bảo an ninh, trật "
            "tự phục vụ du khách về thăm mùa lúa chín.",
            "Các tổ công tác trực 24/24 giờ tại đèo Khau Phạ, điều tiết phương tiện và hỗ "
            "trợ du khách khi trời mưa, sương mù.",
            "Người dân và du khách có thể gọi đường dây nóng của công an huyện khi cần hỗ trợ.",
        ),
        "tags": ["An ninh trật tự", "Du lịch", "Mù Cang Chải"],
    },
    {
        "title": "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ mười lăm",
        "category": "chinh-tri",
        "author": "Thu Trang",
        "summary": "Hội nghị thảo luận kết quả thực hiện nhiệm vụ chính trị và bàn giải "
        "pháp cho những tháng cuối năm.",
        "body_html": _body(
            "CTTĐT - Ban Chấp hành Đảng bộ tỉnh tổ chức hội nghị lần thứ mười lăm nhằm đánh "
            "giá tình hình thực hiện nghị quyết năm.",
            "Các đại biểu tập trung thảo luận về tiến độ giải ngân vốn đầu tư công, công tác "
            "cán bộ và cải cách hành chính.",
            figure=("hoi-truong.svg", "Quang cảnh hội nghị"),
        ),
        "images": [_image("hoi-truong.svg", "Quang cảnh hội nghị")],
        "tags": ["Đảng bộ tỉnh", "Chính trị"],
    },
    {
        "title": "Diễn tập khu vực phòng thủ huyện Trấn Yên đạt kết quả tốt",
        "category": "an-ninh-quoc-phong",
        "author": "Hoàng Nam",
        "summary": "Cuộc diễn tập kiểm tra khả năng phối hợp giữa các lực lượng trong tình "
        "huống thiên tai và bảo vệ an ninh nông thôn.",
        "body_html": _body(
            "CTTĐT - Sau ba ngày diễn tập, các lực lượng của huyện Trấn Yên đã hoàn thành "
            "các nội dung theo kế hoạch.",
            "Nội dung thực binh gồm sơ tán dân khỏi vùng ngập lụt, ứng cứu sạt lở đất và giữ "
            "vững an ninh nông thôn.",
        ),
        "tags": ["Quốc phòng", "Diễn tập"],
    },
    {
        "title": "Chè Suối Giàng được chứng nhận sản phẩm OCOP 4 sao",
        "category": "kinh-te",
        "author": "Lò Văn Thắng",
        "summary": "Sản phẩm chè shan tuyết cổ thụ của hợp tác xã ở Suối Giàng vừa được "
        "công nhận đạt chuẩn OCOP 4 sao.",
        "body_html": _body(
            "CTTĐT - Những cây chè shan tuyết hàng trăm năm tuổi trên đỉnh Suối Giàng cho ra "
            "sản phẩm có hương vị riêng, được nhiều khách hàng ưa chuộng.",
            "Hợp tác xã đã đầu tư dây chuyền sao chè, đóng gói và truy xuất nguồn gốc bằng mã QR.",
            figure=("doi-che.svg", "Đồi chè shan tuyết ở Suối Giàng"),
        ),
        "images": [_image("doi-che.svg", "Đồi chè shan tuyết ở Suối Giàng")],
        "tags": ["OCOP", "Chè shan tuyết"],
    },
    {
        "title": "Khai mạc Tuần Văn hóa - Du lịch Mường Lò",
        "category": "van-hoa-xa-hoi",
        "author": "Minh Hạnh",
        "summary": "Tuần lễ có màn xòe tập thể, hội chợ ẩm thực và trưng bày trang phục "
        "truyền thống của đồng bào Thái.",
        "body_html": _body(
            "CTTĐT - Tối qua, tại thị xã Nghĩa Lộ đã diễn ra lễ khai mạc Tuần Văn hóa - Du "
            "lịch Mường Lò với sự tham gia của hàng nghìn người dân và du khách.",
            "Điểm nhấn của chương trình là màn xòe tập thể quanh đống lửa, thể hiện tinh "
            "thần đoàn kết của các dân tộc.",
        ),
        "tags": ["Văn hóa", "Du lịch", "Xòe Thái"],
    },
    {
        "title": "Hồ Thác Bà đón lượng khách du lịch tăng mạnh",
        "category": "kinh-te",
        "author": "Nguyễn Thị Lan",
        "summary": "Các dịch vụ du thuyền, homestay và trải nghiệm trên hồ thu hút đông "
        "khách trong dịp nghỉ lễ.",
        "body_html": _body(
            "CTTĐT - Trong ba ngày nghỉ lễ, khu du lịch hồ Thác Bà đón hơn mười nghìn lượt "
            "khách, tăng gần gấp đôi so với cùng kỳ.",
            "Nhiều hộ dân ven hồ chuyển sang làm dịch vụ lưu trú, nuôi cá lồng kết hợp cho "
            "khách tham quan.",
            figure=("ho-thac-ba.svg", "Du thuyền trên hồ Thác Bà"),
        ),
        "images": [_image("ho-thac-ba.svg", "Du thuyền trên hồ Thác Bà")],
        "tags": ["Du lịch", "Hồ Thác Bà"],
    },
    {
        "title": "Tỉnh tiếp công dân định kỳ tháng Mười",
        "category": "chinh-tri",
        "author": "Thu Trang",
        "summary": "Lãnh đạo tỉnh trực tiếp lắng nghe, giải đáp kiến nghị của công dân về "
        "đất đai và chính sách.",
        "body_html": _body(
            "CTTĐT - Tại buổi tiếp công dân định kỳ, lãnh đạo tỉnh đã tiếp và giải quyết "
            "kiến nghị của các hộ dân về bồi thường giải phóng mặt bằng.",
            "Các sở, ngành được giao rà soát hồ sơ và trả lời công dân đúng thời hạn.",
        ),
        "tags": ["Tiếp công dân"],
    },
    {
        "title": "Học sinh vùng cao vào năm học mới",
        "category": "van-hoa-xa-hoi",
        "author": "Giàng A Páo",
        "summary": "Các trường phổ thông dân tộc bán trú đã sửa sang phòng ở, bếp ăn để đón "
        "học sinh trở lại trường.",
        "body_html": _body(
            "CTTĐT - Những ngày cuối tháng Tám, thầy cô ở các điểm trường vùng cao đã xuống "
            "từng bản vận động học sinh ra lớp.",
            "Nhiều nhà hảo tâm trao tặng áo ấm, sách vở và đồ dùng học tập cho các em.",
        ),
        "tags": ["Giáo dục", "Vùng cao"],
    },
    {
        "title": "Phòng chống sạt lở đất trong mùa mưa bão",
        "category": "an-ninh-quoc-phong",
        "author": "Hoàng Nam",
        "summary": "Các địa phương rà soát khu dân cư có nguy cơ sạt lở, chuẩn bị phương án "
        "di dời khi có mưa lớn.",
        "body_html": _body(
            "CTTĐT - Ban Chỉ huy phòng, chống thiên tai và tìm kiếm cứu nạn tỉnh yêu cầu các "
            "huyện kiểm tra những điểm có nguy cơ sạt lở cao.",
            "Lực lượng quân sự, công an và dân quân sẵn sàng hỗ trợ người dân di chuyển tài "
            "sản đến nơi an toàn.",
        ),
        "tags": ["Thiên tai", "Phòng chống sạt lở"],
    },
    {
        "title": "Hội thi văn nghệ quần chúng các dân tộc",
        "category": "van-hoa-xa-hoi",
        "author": "Nguyễn Thị Lan",
        "summary": "Hơn hai trăm diễn viên không chuyên mang đến những làn điệu dân ca Mông, "
        "Dao, Tày, Thái.",
        "body_html": _body(
            "CTTĐT - Hội thi là dịp để các đội văn nghệ cơ sở giao lưu, học hỏi và giữ gìn "
            "bản sắc văn hóa dân tộc.",
            "Ban tổ chức trao giải nhất cho đội văn nghệ xã Púng Luông với tiết mục múa khèn.",
        ),
        "tags": ["Văn hóa", "Văn nghệ"],
    },
    {
        "title": "Giải ngân vốn đầu tư công đạt khá so với kế hoạch",
        "category": "kinh-te",
        "author": "Lò Văn Thắng",
        "summary": "Đến cuối quý III, tỉnh đã giải ngân được hơn sáu mươi phần trăm kế hoạch "
        "vốn đầu tư công được giao.",
        "body_html": _body(
            "CTTĐT - Nhiều công trình giao thông trọng điểm đang được đẩy nhanh tiến độ để "
            "kịp hoàn thành trong năm.",
            "Tỉnh yêu cầu các chủ đầu tư chậm giải ngân báo cáo nguyên nhân và cam kết tiến độ.",
        ),
        "tags": ["Đầu tư công"],
    },
    {
        "title": "Ra quân cao điểm tấn công, trấn áp tội phạm",
        "category": "an-ninh-quoc-phong",
        "author": "Trần Quốc Khánh",
        "summary": "Công an tỉnh phát động đợt cao điểm bảo đảm an ninh trật tự cuối năm.",
        "body_html": _body(
            "CTTĐT - Đợt cao điểm tập trung vào tội phạm ma túy, trộm cắp tài sản và vi phạm "
            "trật tự an toàn giao thông.",
            "Người dân được khuyến khích cung cấp thông tin qua đường dây nóng.",
        ),
        "tags": ["An ninh trật tự", "Phòng chống tội phạm"],
    },
    {
        "title": "Quốc hội thảo luận dự án Luật Đất đai sửa đổi",
        "category": "tin-trong-nuoc",
        "author": "Phóng viên thường trú",
        "source": "Tổng hợp",
        "summary": "Các đại biểu góp ý về định giá đất, bồi thường và tái định cư.",
        "body_html": _body(
            "Tại phiên thảo luận, nhiều ý kiến đề nghị làm rõ cơ chế định giá đất sát với giá "
            "thị trường.",
            "Đại biểu của tỉnh đề xuất chính sách riêng cho đồng bào dân tộc thiểu số.",
        ),
        "tags": ["Quốc hội", "Luật Đất đai"],
    },
    {
        "title": "Cả nước đẩy mạnh chuyển đổi số trong dịch vụ công",
        "category": "tin-trong-nuoc",
        "author": "Phóng viên thường trú",
        "source": "Tổng hợp",
        "summary": "Tỷ lệ hồ sơ nộp trực tuyến tăng rõ rệt ở nhiều bộ, ngành và địa phương.",
        "body_html": _body(
            "Người dân có thể nộp hồ sơ, thanh toán phí và nhận kết quả thủ tục hành chính "
            "ngay trên điện thoại.",
            "Nhiều địa phương miền núi triển khai tổ công nghệ số cộng đồng đến từng thôn bản.",
        ),
        "tags": ["Chuyển đổi số"],
    },
    {
        "title": "Thời tiết miền Bắc chuyển lạnh từ cuối tuần",
        "category": "tin-trong-nuoc",
        "author": "Phóng viên thường trú",
        "source": "Tổng hợp",
        "summary": "Không khí lạnh tăng cường khiến nhiệt độ vùng núi giảm xuống dưới 15 độ C.",
        "body_html": _body(
            "Cơ quan khí tượng cho biết vùng núi phía Bắc có mưa rải rác, trời rét về đêm và "
            "sáng sớm.",
            "Người dân cần chú ý giữ ấm cho trẻ nhỏ, người già và chống rét cho gia súc.",
        ),
        "tags": ["Thời tiết"],
    },
    {
        "title": "Thông báo lịch tiếp công dân của Chủ tịch UBND tỉnh",
        "category": "thong-bao",
        "author": "Văn phòng UBND tỉnh",
        "summary": "Lịch tiếp công dân định kỳ trong quý tới tại Trụ sở Tiếp công dân tỉnh.",
        "body_html": _body(
            "Văn phòng UBND tỉnh thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND tỉnh "
            "vào ngày 15 hằng tháng.",
            "Công dân đến đúng giờ, mang theo giấy tờ tùy thân và tài liệu liên quan.",
        ),
        "tags": ["Thông báo", "Tiếp công dân"],
    },
    {
        "title": "Thông báo tuyển dụng viên chức ngành giáo dục",
        "category": "thong-bao",
        "author": "Sở Giáo dục và Đào tạo",
        "summary": "Chỉ tiêu tuyển dụng giáo viên mầm non, tiểu học cho các huyện vùng cao.",
        "body_html": _body(
            "Sở Giáo dục và Đào tạo thông báo tuyển dụng viên chức làm việc tại các trường "
            "công lập trên địa bàn tỉnh.",
            "Hồ sơ nhận tại bộ phận một cửa hoặc qua Cổng dịch vụ công của tỉnh.",
        ),
        "tags": ["Thông báo", "Tuyển dụng", "Giáo dục"],
    },
    {
        "title": "Đồng bào Mông giữ nghề dệt lanh truyền thống",
        "category": "van-hoa-xa-hoi",
        "author": "Giàng A Páo",
        "summary": "Phụ nữ Mông ở Trạm Tấu vẫn cần mẫn trồng lanh, se sợi và vẽ sáp ong trên vải.",
        "status": "draft",
        "body_html": _body(
            "Từ cây lanh đến tấm váy hoàn chỉnh mất nhiều tháng làm việc tỉ mỉ.",
            "Hợp tác xã dệt lanh giúp chị em có thêm thu nhập từ bán sản phẩm cho du khách.",
        ),
        "tags": ["Văn hóa", "Nghề truyền thống"],
    },
    {
        "title": "Kỳ họp thường lệ cuối năm của HĐND tỉnh",
        "category": "chinh-tri",
        "author": "Thu Trang",
        "summary": "Kỳ họp sẽ xem xét các nghị quyết về kinh tế - xã hội và dự toán ngân sách.",
        "status": "scheduled",
        "body_html": _body(
            "CTTĐT - HĐND tỉnh sẽ khai mạc kỳ họp thường lệ cuối năm với nhiều nội dung quan "
            "trọng.",
            "Cử tri có thể theo dõi kỳ họp qua truyền hình trực tiếp.",
        ),
        "tags": ["HĐND tỉnh", "Chính trị"],
    },
]


def seed(database: Database, if_empty: bool = False) -> int:
    """Load the sample categories and articles; returns how many articles were added."""
    now = utcnow()
    with database.write_session() as session:
        if if_empty and session.scalar(select(func.count()).select_from(Category)):
            return 0
        for category in CATEGORIES:
            create_category(session, category)
        for index, sample in enumerate(ARTICLES):
            data = {"source": "CTTĐT", "language": "vi", "status": "published", **sample}
            if data["status"] == "published":
                data["published_at"] = now - timedelta(hours=5 * index + 1)
            elif data["status"] == "scheduled":
                data["published_at"] = now + timedelta(days=2)
            store.create_article(session, data)
    return len(ARTICLES)
