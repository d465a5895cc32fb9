"""Whole rendered pages kept for PAGE_CACHE_S: what is kept, for whom, and what drops it."""

from __future__ import annotations

import gzip
import re
import time

import brotli
import pytest
import requests

from portalkit.config import ConfigError
from portalkit.events import WeatherUpdated
from portalkit.redis_client import connect
from portalkit.streams import EventBus
from support.servers import wait_until
from support.spies import note_calls
from web.consumer import consumers
from web.page_data import LIST_GENERATION, WEATHER_GENERATION, PageDataCache
from web.rendered import GENERATIONS_RECHECK_S, PAGE_PREFIX, RenderedPageCache
from web.settings import Settings

ENGLISH = "Text size"
VIETNAMESE = "Xem cỡ chữ"


def path_of(item: dict) -> str:
    return f"/{item['category']['slug']}/{item['slug']}-{item['id']}.html"


def set_views(stack, article_id: int, views: int) -> None:
    requests.put(
        f"{stack.url('counter')}/v1/views/{article_id}",
        json={"views": views},
        headers=stack.auth,
        timeout=5,
    ).raise_for_status()


@pytest.fixture
def services(stack, content) -> dict[str, object]:
    return {
        "redis_url": stack.env["REDIS_URL"],
        "articles_url": stack.url("articles"),
        "counter_url": stack.url("counter"),
        "weather_url": stack.url("weather"),
        "read_timeout_s": 5.0,  # a busy shared test machine is not the outage under test
        "per_page": 5,
        "page_cache_s": 60,  # long enough that nothing expires while a test runs
    }


@pytest.fixture
def redis(stack):
    client = connect(stack.env["REDIS_URL"])
    for key in client.scan_iter("web:*"):  # no page or page data left by another test
        client.delete(key)
    yield client
    client.close()


@pytest.fixture
def cached_app(make_app, services, redis):
    return make_app(**services)


def page_keys(redis) -> list[str]:
    return list(redis.scan_iter(PAGE_PREFIX + "*"))


def test_a_second_reader_gets_the_first_readers_page_from_the_cache(cached_app, stack, content):
    article = content.article()
    set_views(stack, article["id"], 1799)

    first = cached_app.test_client().get(path_of(article))
    set_views(stack, article["id"], 2500)  # not seen until the page expires: documented
    second = cached_app.test_client().get(path_of(article))

    assert first.status_code == second.status_code == 200
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert second.get_data() == first.get_data()
    assert "1.799 lượt xem" in second.text
    for response in (first, second):
        assert response.mimetype == "text/html"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Cookie" in response.headers["Vary"]
        assert "Set-Cookie" not in response.headers
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    hit = cached_app.test_client().get(path_of(article), headers={"X-Request-ID": "reader-3"})
    assert hit.headers["X-Cache"] == "HIT"
    assert hit.headers["X-Request-ID"] == "reader-3"
    metrics = cached_app.test_client().get("/metrics").text
    assert re.search(r'web_cache_lookups_total{result="page_hit"} [2-9]', metrics)
    assert re.search(r'web_cache_lookups_total{result="page_miss"} [1-9]', metrics)


def test_home_and_listing_pages_are_kept_too_each_page_of_a_listing_apart(cached_app, content):
    reader = cached_app.test_client()

    for path in ("/", "/kinh-te/", "/kinh-te/?page=2"):
        first, second = reader.get(path), reader.get(path)
        assert first.status_code == 200, path
        assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT"), path
        assert second.get_data() == first.get_data()
    assert "Kinh tế nông thôn khởi sắc, bài 1" in reader.get("/kinh-te/?page=2").text
    assert "Kinh tế nông thôn khởi sắc, bài 1" not in reader.get("/kinh-te/").text


def test_other_query_parameters_share_the_page_and_stay_out_of_its_links(cached_app, content):
    path = path_of(content.feature)
    reader = cached_app.test_client()
    plain = reader.get(path)

    tracked = reader.get(path + "?utm_source=facebook&fbclid=IwAR0abc")

    assert tracked.headers["X-Cache"] == "HIT"
    assert tracked.get_data() == plain.get_data()
    assert "utm_source" not in tracked.text and "fbclid" not in tracked.text
    assert reader.get(path + "?page=2").headers["X-Cache"] == "MISS"


def test_an_english_reader_never_gets_the_vietnamese_page(cached_app, content):
    path = path_of(content.feature)
    vietnamese = cached_app.test_client()
    assert VIETNAMESE in vietnamese.get(path).text
    assert vietnamese.get(path).headers["X-Cache"] == "HIT"

    english = cached_app.test_client()
    english.set_cookie("lang", "en")
    by_cookie = english.get(path)
    by_parameter = cached_app.test_client().get(path + "?lang=en")

    for response in (by_cookie, by_parameter):
        assert ENGLISH in response.text and VIETNAMESE not in response.text
        assert '<html lang="en">' in response.text
    assert by_cookie.headers["X-Cache"] == "MISS"
    back = cached_app.test_client().get(path)
    assert back.headers["X-Cache"] == "HIT"
    assert VIETNAMESE in back.text


def test_a_page_that_sets_a_cookie_is_not_kept_and_no_cookie_is_replayed(
    cached_app, content, redis
):
    path = path_of(content.feature)

    switching = cached_app.test_client().get(path + "?lang=en")  # sets the lang cookie

    assert "lang=en" in switching.headers["Set-Cookie"]
    assert switching.headers["X-Cache"] == "MISS"
    assert page_keys(redis) == []
    english = cached_app.test_client()
    english.set_cookie("lang", "en")
    first, second = english.get(path), english.get(path)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    # The same page for a reader who switches now: served from the cache, with this
    # reader's own cookie made for this request, not one kept with the page.
    another = cached_app.test_client().get(path + "?lang=en")
    assert another.headers["X-Cache"] == "HIT"
    assert [c.split(";")[0] for c in another.headers.getlist("Set-Cookie")] == ["lang=en"]
    assert another.get_data() == second.get_data()


def test_the_chosen_place_is_part_of_the_key_and_its_cookie_is_never_kept(
    cached_app, stack, content
):
    wait_until(  # a place of the default list, fetched by the stack's worker
        lambda: requests.get(f"{stack.url('weather')}/v1/weather/tram-tau", timeout=2).ok,
        timeout=30,
    )
    path = path_of(content.feature)
    default_place = cached_app.test_client().get(path)

    choosing = cached_app.test_client().get(path + "?place=tram-tau")
    remembering = cached_app.test_client()
    remembering.set_cookie("place", "tram-tau")
    first, second = remembering.get(path), remembering.get(path)

    assert "place=tram-tau" in choosing.headers["Set-Cookie"]
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert "Set-Cookie" not in second.headers
    assert first.get_data() != default_place.get_data()
    assert cached_app.test_client().get(path).get_data() == default_place.get_data()


def test_an_article_edit_handled_by_the_web_consumer_shows_within_half_a_second(
    cached_app, stack, content
):
    article = content.article()
    path = path_of(article)
    web_articles = consumers(connect(stack.env["REDIS_URL"]), start_id="$")[0]
    web_articles.ensure_group()
    reader = cached_app.test_client()
    reader.get(path)
    assert reader.get(path).headers["X-Cache"] == "HIT"

    content.patch(article["id"], {"title": "Yên Bái: Tiêu đề đã được biên tập lại"})
    content.wait_until_consumed(groups=("counter",))  # the edit is on the stream
    while web_articles.poll():  # as web-consumer does: the edit and anything before it
        pass
    time.sleep(GENERATIONS_RECHECK_S)  # how long a worker trusts the generations it read

    edited = reader.get(path)
    assert edited.headers["X-Cache"] == "MISS"
    assert "Yên Bái: Tiêu đề đã được biên tập lại" in edited.text
    assert reader.get(path).headers["X-Cache"] == "HIT"


def test_a_weather_update_handled_by_the_web_consumer_drops_the_pages(
    cached_app, stack, content, redis
):
    path = path_of(content.feature)
    web_weather = consumers(connect(stack.env["REDIS_URL"]), start_id="$")[1]
    web_weather.ensure_group()
    reader = cached_app.test_client()
    reader.get(path)
    assert reader.get(path).headers["X-Cache"] == "HIT"
    before = int(redis.get(WEATHER_GENERATION) or 0)

    EventBus(redis).publish(WeatherUpdated(location="tram-tau"))
    # (the stack's worker publishes its own updates too: any of them will do)
    wait_until(lambda: web_weather.poll() and int(redis.get(WEATHER_GENERATION) or 0) > before)
    time.sleep(GENERATIONS_RECHECK_S)  # how long a worker trusts the generations it read

    assert reader.get(path).headers["X-Cache"] == "MISS"


def test_a_page_rendered_across_an_invalidation_is_not_served_after_a_recheck(cached_app, redis):
    pages = RenderedPageCache(PageDataCache(redis), ttl_s=60)
    key = PAGE_PREFIX + "test"
    with cached_app.test_request_context("/"):
        body, generations, _ = pages.lookup(key)  # a miss: rendering starts
        assert body is None
        redis.incr(LIST_GENERATION)  # an article changes while it renders
        pages.store(key, generations, b"<p>rendered from the old article</p>")
        time.sleep(GENERATIONS_RECHECK_S)  # how long a worker trusts the generations it read

        assert pages.lookup(key)[0] is None


def test_a_page_missing_a_part_is_not_kept_for_the_next_reader(
    make_app, services, closed_url, content, redis
):
    path = path_of(content.feature)
    counter_down = make_app(**{**services, "counter_url": closed_url}).test_client()

    first, second = counter_down.get(path), counter_down.get(path)

    for response in (first, second):
        assert response.status_code == 200
        assert response.headers["X-Cache"] == "MISS"
        assert "lượt xem" not in response.text
    assert page_keys(redis) == []
    recovered = make_app(**services).test_client().get(path)
    assert recovered.headers["X-Cache"] == "MISS"
    assert "lượt xem" in recovered.text


def test_weather_down_is_not_kept_either(make_app, services, closed_url, content, redis):
    client = make_app(**{**services, "weather_url": closed_url}).test_client()

    response = client.get("/")

    assert response.status_code == 200
    assert "Chưa có dữ liệu thời tiết" in response.text
    assert page_keys(redis) == []


def test_errors_redirects_and_readers_with_credentials_are_not_kept(cached_app, content, redis):
    reader = cached_app.test_client()
    item = content.feature

    assert reader.get("/kinh-te/khong-co-bai-nay-999999.html").status_code == 404
    assert reader.get(f"/kinh-te/{item['slug']}-{item['id']}.html").status_code == 301
    signed = reader.get(path_of(item), headers={"Authorization": "Bearer something"})
    assert signed.status_code == 200
    assert "X-Cache" not in signed.headers
    with_session = cached_app.test_client()
    with_session.set_cookie("session", "someone")
    assert "X-Cache" not in with_session.get(path_of(item)).headers
    assert page_keys(redis) == []
    assert reader.get("/search?q=an ninh").status_code == 200
    assert page_keys(redis) == []


def test_another_host_gets_its_own_page(cached_app, content):
    path = path_of(content.feature)
    reader = cached_app.test_client()
    reader.get(path)

    other = reader.get(path, headers={"Host": "portal.example"})

    assert other.headers["X-Cache"] == "MISS"
    assert 'href="http://portal.example/' in other.text  # its canonical link
    assert reader.get(path).headers["X-Cache"] == "HIT"


def test_with_a_public_url_the_host_a_client_sends_changes_nothing(
    make_app, services, redis, content
):
    app = make_app(**services, public_url="https://portal.yenbai.example")
    reader = app.test_client()
    path = path_of(content.feature)
    first = reader.get(path)

    forged = reader.get(path, headers={"Host": "attacker.example"})

    assert first.headers["X-Cache"] == "MISS"
    assert forged.headers["X-Cache"] == "HIT"
    assert forged.data == first.data
    assert f'href="https://portal.yenbai.example{path}"' in forged.text
    assert "attacker.example" not in forged.text
    assert len(page_keys(redis)) == 1


def test_with_redis_down_the_page_still_renders(make_app, services, closed_url, content):
    port = closed_url.rsplit(":", 1)[1]
    client = make_app(**{**services, "redis_url": f"redis://127.0.0.1:{port}/0"}).test_client()

    first, second = client.get(path_of(content.feature)), client.get(path_of(content.feature))

    for response in (first, second):
        assert response.status_code == 200
        assert content.feature["title"] in response.text
        assert response.headers["X-Cache"] == "MISS"
    metrics = client.get("/metrics").text
    assert re.search(r'web_cache_lookups_total{result="page_unavailable"} [2-9]', metrics)


def test_page_cache_s_zero_turns_the_cache_off(make_app, services, content, redis):
    client = make_app(**{**services, "page_cache_s": 0}).test_client()

    first, second = client.get(path_of(content.feature)), client.get(path_of(content.feature))

    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first.headers and "X-Cache" not in second.headers
    assert page_keys(redis) == []


def test_page_cache_s_is_a_setting():
    assert Settings.from_env({}).page_cache_s == 10
    assert Settings.from_env({"PAGE_CACHE_S": "0"}).page_cache_s == 0
    assert Settings.from_env({"PAGE_CACHE_S": "30"}).page_cache_s == 30
    for bad in ("-1", "ten", "86400"):
        with pytest.raises(ConfigError, match="PAGE_CACHE_S"):
            Settings.from_env({"PAGE_CACHE_S": bad})


def test_public_url_is_a_setting():
    assert Settings.from_env({}).public_url is None
    assert Settings.from_env({"PUBLIC_URL": "https://a.example/"}).public_url == "https://a.example"
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        Settings.from_env({"PUBLIC_URL": "not a url"})


@pytest.fixture
def compressions(monkeypatch) -> list[str]:
    """The encodings flask-compress compressed a body into, in order."""
    from flask_compress import flask_compress

    return note_calls(
        monkeypatch, flask_compress, "_compress_data", lambda _app, _data, algorithm: algorithm
    )


def test_a_kept_page_is_compressed_once_per_worker_and_encoding(cached_app, content, compressions):
    path = path_of(content.article())
    reader = cached_app.test_client()
    br, gzip_ = {"Accept-Encoding": "gzip, deflate, br, zstd"}, {"Accept-Encoding": "gzip"}

    first = reader.get(path, headers=br)
    again = reader.get(path, headers=br)
    plain = reader.get(path)
    zipped = [reader.get(path, headers=gzip_) for _ in range(3)]

    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")
    assert compressions == ["br", "gzip"]
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
    assert brotli.decompress(again.get_data()) == plain.get_data()
    assert brotli.decompress(first.get_data()) == plain.get_data()
    assert all(gzip.decompress(z.get_data()) == plain.get_data() for z in zipped)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in again.headers["Vary"]


def test_a_page_of_new_generations_is_compressed_anew(cached_app, content, redis, compressions):
    path = path_of(content.article())
    reader = cached_app.test_client()
    br = {"Accept-Encoding": "br"}
    reader.get(path, headers=br)
    assert reader.get(path, headers=br).headers["X-Cache"] == "HIT"

    redis.incr(LIST_GENERATION)  # what an article change does
    time.sleep(GENERATIONS_RECHECK_S)  # how long a worker trusts the generations it read
    changed = reader.get(path, headers=br)

    assert changed.headers["X-Cache"] == "MISS"
    assert compressions == ["br", "br"]
    assert brotli.decompress(changed.get_data()) == reader.get(path).get_data()


def test_a_page_that_is_not_kept_is_compressed_for_each_reader(cached_app, content, compressions):
    path = path_of(content.article()) + "?lang=en"  # sets the language cookie: not kept
    for _ in range(2):
        reader = cached_app.test_client()
        response = reader.get(path, headers={"Accept-Encoding": "br"})
        assert response.headers["X-Cache"] == "MISS"
        assert "Set-Cookie" in response.headers
    assert compressions == ["br", "br"]
