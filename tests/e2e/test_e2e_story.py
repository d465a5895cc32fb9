"""One story through every service, behind the gateway, as a reader and an editor see it.

An editor publishes an article -> the relay puts its event on the stream -> the counter
learns of it -> a reader opens the page and the page's beacon reports the view, which
is counted once -> the page shows the count and the weather -> the editor deletes the
article -> its page answers 404 and every trace of its counts is gone.
"""

from __future__ import annotations

import re

import redis
import requests

from support.servers import wait_until

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ARTICLE = {
    "title": "Yên Bái: Sơ kết công tác bảo đảm an ninh nông thôn",
    "category": "an-ninh-quoc-phong",
    "summary": "Công an tỉnh sơ kết công tác bảo đảm an ninh trật tự ở các xã.",
    "body_html": "<p>CTTĐT - Sáng nay, Công an tỉnh tổ chức hội nghị sơ kết.</p>",
    "author": "Minh Anh",
    "source": "CTTĐT",
    "status": "published",
}


def stream_entries(client: redis.Redis, article_id: int) -> list[dict]:
    return [
        fields
        for _id, fields in client.xrange("events:articles")
        if f'"article_id": {article_id}' in fields["data"]
        or f'"article_id":{article_id}' in fields["data"]
    ]


def caught_up(client: redis.Redis, group: str) -> bool:
    """The group has been handed every entry of the stream and acknowledged them all."""
    last = client.xinfo_stream("events:articles")["last-generated-id"]
    for info in client.xinfo_groups("events:articles"):
        if info["name"] == group:
            return info["last-delivered-id"] == last and info["pending"] == 0
    return False


def traces(client: redis.Redis, article_id: int) -> list[str]:
    """Counter keys that still name the article, by key or as a member."""
    member = str(article_id)
    left = []
    for key in client.scan_iter("counter:*"):
        kind = client.type(key)
        if member in key.split(":"):
            left.append(key)
        elif (kind == "zset" and client.zscore(key, member) is not None) or (
            kind == "set" and client.sismember(key, member)
        ):
            left.append(f"{key} (member)")
        elif kind == "hash" and client.hexists(key, member):
            left.append(f"{key} (field)")
    return left


def test_an_article_lives_and_dies_through_every_service(stack, gateway):
    api = gateway.url + "/api"
    client = redis.Redis.from_url(stack.env["REDIS_URL"], decode_responses=True)
    editor = requests.Session()
    editor.headers.update({**stack.auth, "X-Request-ID": "e2e-story-editor"})
    reader = requests.Session()
    reader.headers.update({"User-Agent": BROWSER, "Accept-Language": "vi"})

    # The editor files the category and publishes the article.
    for slug, name, parent in (
        ("tin-trong-tinh", "Tin trong tỉnh", None),
        ("an-ninh-quoc-phong", "An ninh - Quốc phòng", "tin-trong-tinh"),
    ):
        made = editor.post(
            api + "/articles/v1/categories",
            json={"slug": slug, "name": name, "parent": parent},
            timeout=10,
        )
        assert made.status_code == 201, made.text
    published = editor.post(api + "/articles/v1/articles", json=ARTICLE, timeout=10)
    assert published.status_code == 201, published.text
    assert published.headers["X-Request-ID"] == "e2e-story-editor"
    article = published.json()
    article_id = article["id"]
    page_url = f"{gateway.url}/{article['category']['slug']}/{article['slug']}-{article_id}.html"

    # The relay puts article.published on the stream; the counter's group takes it in.
    wait_until(lambda: stream_entries(client, article_id), timeout=20)
    (event,) = stream_entries(client, article_id)
    assert event["type"] == "article.published"
    wait_until(lambda: caught_up(client, "counter"), timeout=20)

    # The weather has been fetched from the provider by the worker that beat drives.
    wait_until(
        lambda: requests.get(api + "/weather/v1/weather", timeout=5).status_code == 200,
        timeout=30,
    )

    # A reader opens the page: rendered by the web from the three APIs.
    page = reader.get(page_url, timeout=10, allow_redirects=False)
    assert page.status_code == 200, page.text[:500]
    assert ARTICLE["title"] in page.text
    assert "0 lượt xem" in page.text

    # The page's beacon reports the view, same-origin; the counter counts it once.
    beacon = f"{gateway.url}/beacon/view/{article_id}"
    same_origin = {"Origin": gateway.url, "Sec-Fetch-Site": "same-origin"}
    assert reader.post(beacon, headers=same_origin, timeout=10).status_code == 204
    assert reader.post(beacon, headers=same_origin, timeout=10).status_code == 204
    counts = requests.get(f"{api}/views/v1/views/{article_id}", timeout=5).json()
    assert counts["views"] == 1
    assert counts["unique_visitors"] == 1

    # The page shows the count and the weather of the province (the fake provider's): once
    # the page rendered before the view, kept for PAGE_CACHE_S (2 s here), has expired.
    def with_the_view() -> requests.Response | None:
        page = reader.get(page_url, timeout=10)
        return page if page.status_code == 200 and "1 lượt xem" in page.text else None

    page = wait_until(with_the_view, timeout=15, interval=0.5)
    weather = re.search(r'<p class="weather-text">(.*?)</p>', page.text, flags=re.S)
    assert weather, "no weather on the page"
    assert "15°C" in weather.group(1)
    assert "Trời nhiều mây" in weather.group(1)

    # The editor deletes the article: the page goes, and so do its counts.
    deleted = editor.delete(f"{api}/articles/v1/articles/{article_id}", timeout=10)
    assert deleted.status_code == 204
    wait_until(lambda: reader.get(page_url, timeout=10).status_code == 404, timeout=20)
    wait_until(lambda: caught_up(client, "counter"), timeout=20)
    assert [e["type"] for e in stream_entries(client, article_id)] == [
        "article.published",
        "article.deleted",
    ]
    gone = requests.get(f"{api}/views/v1/views/{article_id}", timeout=5).json()
    assert gone["views"] == 0
    assert gone["unique_visitors"] == 0
    assert traces(client, article_id) == []

    # A view reported afterwards is not counted for an article that no longer exists.
    assert reader.post(beacon, headers=same_origin, timeout=10).status_code == 204
    assert requests.get(f"{api}/views/v1/views/{article_id}", timeout=5).json()["views"] == 0
    assert traces(client, article_id) == []
