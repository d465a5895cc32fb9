"""Sample portal content written through the articles API of a running stack.

Used by the web front's server-side and browser tests: a category tree like the
provincial portal's, one article shaped like the article page of docs/architecture.md, and enough
articles in another category to page through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import redis
import requests

from portalkit.events import ARTICLES_STREAM
from support.servers import wait_until
from support.stack import Stack

CATEGORIES = [
    {"slug": "tin-trong-tinh", "name": "Tin trong tỉnh", "name_en": "Provincial news"},
    {
        "slug": "an-ninh-quoc-phong",
        "name": "An ninh - Quốc phòng",
        "name_en": "Security - Defence",
        "parent": "tin-trong-tinh",
    },
    {"slug": "kinh-te", "name": "Kinh tế", "name_en": "Economy", "parent": "tin-trong-tinh"},
    {"slug": "van-hoa-xa-hoi", "name": "Văn hóa - Xã hội", "name_en": "Culture - Society"},
]

FEATURE = {
    "title": "Yên Bái: Sơ kết công tác bảo đảm an ninh trật tự vùng nông thôn",
    "summary": "Lực lượng công an xã đã phối hợp với người dân giữ vững an ninh nông thôn.",
    "body_html": (
        "<p>CTTĐT - Sáng nay, Công an tỉnh tổ chức hội nghị sơ kết công tác bảo đảm "
        "an ninh trật tự vùng nông thôn.</p>"
        "<p>Các đại biểu đánh giá cao sự phối hợp của người dân ở các thôn bản.</p>"
    ),
    "category": "an-ninh-quoc-phong",
    "author": "Minh Hạnh",
    "source": "CTTĐT",
    "status": "published",
    "published_at": "2023-10-13T06:41:46+00:00",
    "images": [
        {"url": "/media/hoi-truong.svg", "caption": "Quang cảnh hội nghị sơ kết", "position": 0},
        {"url": "/media/ho-thac-ba.svg", "caption": "Hồ Thác Bà nhìn từ trên cao", "position": 1},
    ],
    "tags": ["an ninh"],
}


@dataclass
class Content:
    stack: Stack
    feature: dict = field(default_factory=dict)
    economy: list[dict] = field(default_factory=list)
    others: list[dict] = field(default_factory=list)
    written: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def publish(cls, stack: Stack, economy_articles: int = 7) -> Content:
        made = cls(stack)
        for category in CATEGORIES:
            made.post("/v1/categories", category)
        made.feature = made.post("/v1/articles", FEATURE)
        for number in range(1, economy_articles + 1):
            made.economy.append(
                made.post(
                    "/v1/articles",
                    {
                        "title": f"Kinh tế nông thôn khởi sắc, bài {number}",
                        "summary": f"Tóm tắt bài kinh tế số {number}.",
                        "body_html": f"<p>Nội dung bài kinh tế số {number}.</p>",
                        "category": "kinh-te",
                        "author": "Thu Trang",
                        "status": "published",
                        "published_at": f"2023-10-{number:02d}T02:00:00+00:00",
                    },
                )
            )
        return made

    def article(self, **fields: object) -> dict:
        """One more published article (for a test that counts its views from zero)."""
        created = self.post(
            "/v1/articles",
            {**FEATURE, "title": f"{FEATURE['title']} ({len(self.others) + 1})", **fields},
        )
        self.others.append(created)
        self.wait_until_consumed()
        return created

    def photo(self, data: bytes, **fields: str) -> dict:
        """A photo uploaded through the API, once the articles-worker made its renditions."""
        api = self.stack.url("articles")
        response = requests.post(
            api + "/v1/media",
            files={"file": ("anh.jpg", data, "application/octet-stream")},
            data=fields,
            headers=self.stack.auth,
            timeout=30,
        )
        assert response.status_code == 202, response.text
        location = api + response.headers["Location"]

        def ready() -> dict | None:
            media = requests.get(location, headers=self.stack.auth, timeout=5).json()
            assert media["status"] != "failed", media
            return media if media["status"] == "ready" else None

        return wait_until(ready, timeout=60, interval=0.1)

    def post(self, path: str, body: dict) -> dict:
        response = requests.post(
            self.stack.url("articles") + path, json=body, headers=self.stack.auth, timeout=10
        )
        assert response.status_code == 201, response.text
        return self.remember(response.json())

    def patch(self, article_id: int, changes: dict) -> dict:
        response = requests.patch(
            f"{self.stack.url('articles')}/v1/articles/{article_id}",
            json=changes,
            headers=self.stack.auth,
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return self.remember(response.json())

    def remember(self, item: dict) -> dict:
        if "version" in item and item.get("status") == "published":
            self.written.add((item["id"], item["version"]))
        return item

    def wait_until_consumed(self, groups: tuple[str, ...] = ("counter",)) -> None:
        """Until the relay has published every write so far and the groups have handled it."""
        client = redis.Redis.from_url(self.stack.env["REDIS_URL"], decode_responses=True)

        def caught_up() -> bool:
            entries = client.xrange(ARTICLES_STREAM)
            published = set()
            for _, fields in entries:
                data = json.loads(fields.get("data", "{}"))
                published.add((data.get("article_id"), data.get("version")))
            if not self.written <= published:
                return False
            last = entries[-1][0]
            info = {g["name"]: g for g in client.xinfo_groups(ARTICLES_STREAM)}
            return all(
                name in info
                and info[name]["last-delivered-id"] == last
                and info[name]["pending"] == 0
                for name in groups
            )

        try:
            wait_until(caught_up, timeout=30, interval=0.1)
        finally:
            client.close()
