"""The content the scenarios read, made through the services' own paths.

The database is migrated and seeded with ``python -m articles.manage`` (as ``make run``
does), more articles are written through the articles API, the relay announces them
on ``events:articles`` and the counter's consumer learns which ones may be counted,
exactly as in production. The weather service gets one observation per place through
its own store, the one a fetch would have saved.
"""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

import redis
import requests

from portalkit.events import (
    ARTICLES_STREAM,
    ArticleDeleted,
    ArticleEvent,
    ArticlePublished,
    ArticleUnpublished,
    ArticleUpdated,
    from_fields,
)

log = logging.getLogger("bench")

ENTRY_BYTES = 40
"""What Redis 7 counts per key in its keyspace table's overhead (a dict entry and its
key object), besides 8 bytes a slot."""


@dataclass(frozen=True)
class Article:
    """A published article as the portal's events announce it."""

    id: int
    slug: str
    category: str

    @property
    def page_path(self) -> str:
        """The web's canonical article URL (docs/architecture.md: /<category>/<slug>-<id>.html)."""
        return f"/{self.category}/{self.slug}-{self.id}.html"


def prepare_database(env: Mapping[str, str]) -> None:
    """``python -m articles.manage upgrade`` then ``seed --if-empty``, as ``make run``."""
    for command in (["upgrade"], ["seed", "--if-empty"]):
        done = subprocess.run(
            [sys.executable, "-m", "articles.manage", *command],
            env=dict(env),
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"articles.manage {command[0]} failed:\n{done.stderr}")


PLACES = (
    "Thành phố Yên Bái",
    "Huyện Trấn Yên",
    "Huyện Văn Chấn",
    "Huyện Mù Cang Chải",
    "Thị xã Nghĩa Lộ",
    "Huyện Lục Yên",
    "Huyện Yên Bình",
    "Xã Suối Giàng",
)
ACTIONS = ("triển khai", "sơ kết", "đẩy mạnh", "kiểm tra", "tổng kết", "phát động")
TOPICS = (
    ("xây dựng nông thôn mới", "kinh-te"),
    ("chuyển đổi số trong dịch vụ công", "chinh-tri"),
    ("phòng chống sạt lở đất mùa mưa bão", "an-ninh-quoc-phong"),
    ("bảo đảm an ninh trật tự", "an-ninh-quoc-phong"),
    ("phát triển du lịch cộng đồng", "van-hoa-xa-hoi"),
    ("trồng rừng gỗ lớn", "kinh-te"),
    ("chăm sóc sức khỏe người dân vùng cao", "van-hoa-xa-hoi"),
    ("giải ngân vốn đầu tư công", "kinh-te"),
)
SENTENCES = (
    "Các địa phương đã chủ động xây dựng kế hoạch và phân công cán bộ phụ trách từng thôn, bản.",
    "Nhiều mô hình hiệu quả được nhân rộng, góp phần nâng cao thu nhập cho người dân.",
    "Lãnh đạo tỉnh đề nghị các ngành tiếp tục tháo gỡ khó khăn, vướng mắc cho cơ sở.",
    "Người dân tích cực hưởng ứng, hiến đất và ngày công để làm đường liên thôn.",
    "Công tác tuyên truyền được đổi mới, phù hợp với phong tục của đồng bào các dân tộc.",
    "Đến nay, kết quả đạt được vượt chỉ tiêu đề ra đầu năm.",
)


def article_payloads(count: int):
    """Distinct articles in the seed's categories, written for the benchmark."""
    combos = itertools.cycle(itertools.product(PLACES, ACTIONS, TOPICS))
    for index, (place, action, (topic, category)) in zip(range(count), combos, strict=False):
        paragraphs = [SENTENCES[(index + k) % len(SENTENCES)] for k in range(5)]
        yield {
            "title": f"{place} {action} {topic} (bài {index + 1})",
            "category": category,
            "summary": f"CTTĐT - {place} {action} {topic}.",
            "body_html": "".join(f"<p>{text}</p>" for text in paragraphs),
            "author": "Ban biên tập",
            "source": "CTTĐT",
            "status": "published",
            "tags": [topic.split()[0].capitalize(), place.split()[-1]],
        }


def add_articles(articles_url: str, token: str, count: int) -> None:
    """POST ``count`` published articles to the articles API."""
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        for payload in article_payloads(count):
            reply = session.post(f"{articles_url}/v1/articles", json=payload, timeout=30)
            if reply.status_code != 201:
                raise RuntimeError(f"creating an article answered {reply.status_code}")


def announce(env: Mapping[str, str]) -> int:
    """One round of the articles relay: the outbox to ``events:articles``."""
    from articles.manage import relay_once
    from articles.settings import Settings

    return relay_once(Settings.from_env(env))


def published_articles(client: redis.Redis) -> list[Article]:
    """The articles published at the end of ``events:articles``, oldest first."""
    articles: dict[int, Article] = {}
    for _entry_id, fields in client.xrange(ARTICLES_STREAM):
        event = from_fields(fields)
        if not isinstance(event, ArticleEvent):
            continue
        published = isinstance(event, ArticlePublished) or (
            isinstance(event, ArticleUpdated) and event.status == "published"
        )
        if published:
            articles[event.article_id] = Article(event.article_id, event.slug, event.category)
        elif isinstance(event, ArticleUnpublished | ArticleDeleted) or (
            isinstance(event, ArticleUpdated) and event.status
        ):
            articles.pop(event.article_id, None)
    return sorted(articles.values(), key=lambda article: article.id)


def teach_counter(env: Mapping[str, str]) -> int:
    """Run the counter's consumer until it has read every article event."""
    from counter.manage import catch_up
    from counter.settings import Settings

    return catch_up(Settings.from_env(env))


def observe_weather(env: Mapping[str, str]) -> int:
    """Store a full observation of every place, as a successful fetch would."""
    from weather.manage import store_sample_weather
    from weather.settings import Settings

    return store_sample_weather(Settings.from_env(env))


def forget_visitors(client: redis.Redis, timeout_s: float = 30.0) -> int:
    """Delete every visitor the counter remembers (its dedupe keys, nothing it counted),
    then wait until Redis has shrunk its keyspace's table to what is left. Returns how
    many were deleted.

    Each run of a scenario that counts views then starts from the same Redis, whichever
    server it measures: a batch run adds some 1.5 million keys, and without this the
    keyspace grew run after run and its table doubled (seconds of rehashing at half
    Redis' command rate) in whichever run crossed a power of two (BENCHMARKS.md).
    """
    from counter.keys import SEEN_PATTERN

    deleted, cursor = 0, 0
    while True:  # deleting what a SCAN returned leaves the rest of its walk intact
        cursor, keys = client.scan(cursor, match=SEEN_PATTERN, count=10_000)
        if keys:
            deleted += client.unlink(*keys)
        if cursor == 0:
            break
    deadline = time.monotonic() + timeout_s
    while not _table_fits(client):
        if time.monotonic() > deadline:
            log.warning("Redis kept its large keyspace table %.0f s after the delete", timeout_s)
            break
        time.sleep(0.05)
    return deleted


def _table_fits(client: redis.Redis) -> bool:
    """Whether the keyspace's table has at most four slots a key (Redis sizes it to the
    next power of two, and shrinks it in its cron once under a tenth full)."""
    db = client.memory_stats().get("db.0")
    if not db:
        return True
    keys = client.dbsize()
    slots = (db["overhead.hashtable.main"] - keys * ENTRY_BYTES) // 8
    return slots <= 4 * max(keys, 16)
