"""The content the scenarios read, made through the services' own paths.

The database is migrated and seeded with ``python -m articles.manage`` (as ``make run``
does), more articles are written through the articles API, the relay announces them
on ``events:articles`` and the counter's consumer learns which ones may be counted,
exactly as in production. The weather service gets one observation per place through
its own store, the one a fetch would have saved.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

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


@dataclass(frozen=True)
class Article:
    """A published article as the portal's events announce it."""

    id: int
    slug: str
    category: str

    @property
    def page_path(self) -> str:
        """The web's canonical article URL (DESIGN.md: /<category>/<slug>-<id>.html)."""
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
    from articles.relay import Relay
    from articles.settings import Settings

    relay = Relay(Settings.from_env(env))
    try:
        return relay.run_once()
    finally:
        relay.database.dispose()


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
    from counter.consumer import build_consumer
    from counter.settings import Settings

    consumer = build_consumer(Settings.from_env(env), block_ms=200)
    consumer.ensure_group()
    handled = 0
    while (count := consumer.poll()) > 0:
        handled += count
    consumer.client.close()
    return handled


def observe_weather(env: Mapping[str, str]) -> int:
    """Store a full observation of every place, as a successful fetch would."""
    from portalkit.redis_client import connect
    from portalkit.streams import EventBus
    from weather.providers import Reading
    from weather.settings import Settings
    from weather.store import Observation, WeatherStore

    settings = Settings.from_env(env)
    client = connect(settings.redis_url)
    store = WeatherStore(client, EventBus(client, settings.stream_maxlen))
    now = datetime.now(UTC)
    interval, _ = store.interval_at(now.timestamp(), settings.weather_interval_s)
    for place in settings.weather_locations:
        store.save(
            Observation(
                location=place.slug,
                reading=Reading(
                    temperature_c=15.0,
                    temp_min_c=13.0,
                    temp_max_c=17.0,
                    weather_code=3,
                    pressure_hpa=1012.4,
                    humidity_pct=84.0,
                    wind_kmh=7.2,
                    observed_at=now.replace(second=0, microsecond=0).isoformat(),
                ),
                fetched_at=now.isoformat(timespec="seconds"),
                fetched_ts=now.timestamp(),
                source=settings.weather_provider,
                interval=interval,
            )
        )
    client.close()
    return len(settings.weather_locations)
