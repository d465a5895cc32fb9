"""Article lists for other frontends: order, period, author and tag filters, sparse field
sets, Link and X-Total-Count headers, and cursors that walk the whole archive."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from articles_kit import AUTH

PUBLISHED = {"status": "published"}


def links(response) -> dict[str, str]:
    """rel -> URL of the Link header."""
    found = {}
    for part in response.headers.get("Link", "").split(","):
        url, _, rel = part.partition(";")
        found[rel.strip().removeprefix('rel="').removesuffix('"')] = url.strip()[1:-1]
    return found


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def dated(make_article) -> dict[str, dict]:
    """Four published articles on four days, two authors, some tags."""
    return {
        "a": make_article(
            title="Bưởi Đại Minh vào mùa",
            published_at="2024-01-10T08:00:00+07:00",
            author="Minh Hạnh",
            tags=["Nông nghiệp", "Đặc sản"],
        ),
        "b": make_article(
            title="Chè Suối Giàng",
            published_at="2024-02-10T08:00:00+07:00",
            author="Thu Trang",
            tags=["Nông nghiệp"],
        ),
        "c": make_article(
            title="An ninh vùng cao",
            published_at="2024-03-10T08:00:00+07:00",
            author="Minh Hạnh",
            tags=["An ninh"],
        ),
        "d": make_article(
            title="Du lịch Mù Cang Chải",
            published_at="2024-04-10T08:00:00+07:00",
            author="Thu Trang",
            tags=["Du lịch", "Đặc sản"],
        ),
    }


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def test_order_by_publication_either_way_or_by_title(client, dated):
    newest = titles(client.get("/v1/articles"))
    explicit = titles(client.get("/v1/articles?order=-published_at"))
    oldest = titles(client.get("/v1/articles?order=published_at"))
    by_title = titles(client.get("/v1/articles?order=title"))

    assert newest == explicit == [dated[k]["title"] for k in "dcba"]
    assert oldest == [dated[k]["title"] for k in "abcd"]
    assert by_title == sorted(by_title) and set(by_title) == set(newest)
    assert client.get("/v1/articles?order=views").status_code == 422


def test_a_search_keeps_best_match_first_unless_an_order_is_asked(client, dated):
    ordered = titles(client.get("/v1/articles?q=nong+nghiep&order=published_at"))

    assert ordered == [dated["a"]["title"], dated["b"]["title"]]


def test_a_publication_period_narrows_the_list(client, dated):
    between = client.get(
        "/v1/articles?published_after=2024-02-10T08:00:00%2B07:00&published_before=2024-04-01"
    )
    after_naive = client.get("/v1/articles?published_after=2024-03-10T08:00:00")  # Vietnam time

    assert titles(between) == [dated["c"]["title"], dated["b"]["title"]]
    assert titles(after_naive) == [dated["d"]["title"], dated["c"]["title"]]


@pytest.mark.parametrize("field", ["published_after", "published_before"])
@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-02-30T10:00:00", "99999"])
def test_a_period_bound_that_is_not_iso_8601_is_a_422(client, field, value):
    response = client.get(f"/v1/articles?{field}={value}")

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_author_names_the_byline(client, dated):
    assert titles(client.get("/v1/articles?author=Minh Hạnh")) == [
        dated["c"]["title"],
        dated["a"]["title"],
    ]
    assert titles(client.get("/v1/articles?author=Nobody")) == []


def test_each_repeated_tag_narrows_the_list_accents_ignored(client, dated):
    one = titles(client.get("/v1/articles?tag=Đặc sản"))
    both = titles(client.get("/v1/articles?tag=dac-san&tag=Nông nghiệp"))
    unaccented = titles(client.get("/v1/articles?tag=dac san&tag=nong nghiep"))

    assert one == [dated["d"]["title"], dated["a"]["title"]]
    assert both == unaccented == [dated["a"]["title"]]


def test_fields_trims_each_item_to_a_sparse_field_set(client, dated):
    response = client.get("/v1/articles?fields=title,published_at&per_page=2")

    items = response.get_json()["items"]
    assert response.status_code == 200
    assert [set(item) for item in items] == [{"id", "title", "published_at"}] * 2
    assert response.get_json()["total"] == 4


def test_an_unknown_field_is_a_422_naming_it(client, dated):
    response = client.get("/v1/articles?fields=title,body_html,password")

    assert response.status_code == 422
    assert "fields" in response.get_json()["errors"]
    assert client.get("/v1/articles?fields=").status_code == 422


def test_link_and_total_count_headers_page_through(client, dated):
    middle = client.get("/v1/articles?per_page=1&page=2&tag=dac-san&tag=nong-nghiep&order=title")
    first = client.get("/v1/articles?per_page=3")

    assert middle.headers["X-Total-Count"] == "1"
    rels = links(first)
    assert first.headers["X-Total-Count"] == "4"
    assert set(rels) == {"first", "next", "last"}
    assert query_of(rels["next"])["page"] == ["2"]
    assert query_of(rels["last"])["page"] == ["2"]
    assert query_of(rels["next"])["per_page"] == ["3"]
    second = client.get(rels["next"])
    assert set(links(second)) == {"first", "prev", "last"}
    assert query_of(links(second)["prev"])["page"] == ["1"]


def test_links_keep_every_filter_and_the_gateway_prefix(client, dated):
    response = client.get(
        "/v1/articles?per_page=1&tag=dac-san&tag=du-lich&order=title&fields=title",
        headers={"X-Forwarded-Prefix": "/api/articles"},
    )

    target = links(response)["last"]
    assert target.startswith("/api/articles/v1/articles?")
    assert query_of(target) == {
        "per_page": ["1"],
        "tag": ["dac-san", "du-lich"],
        "order": ["title"],
        "fields": ["title"],
        "page": ["1"],
    }


def test_the_list_cache_tells_new_parameters_apart_and_keeps_the_headers(client, dated):
    by_title = client.get("/v1/articles?order=title&per_page=2")
    by_date = client.get("/v1/articles?order=published_at&per_page=2")
    trimmed = client.get("/v1/articles?order=title&per_page=2&fields=title")
    again = client.get("/v1/articles?order=title&per_page=2")
    behind = client.get(
        "/v1/articles?order=title&per_page=2", headers={"X-Forwarded-Prefix": "/api/articles"}
    )

    assert titles(by_title) != titles(by_date)
    assert "summary" not in trimmed.get_json()["items"][0]
    assert again.data == by_title.data
    assert again.headers["Link"] == by_title.headers["Link"]
    assert again.headers["X-Total-Count"] == "4"
    assert links(behind)["next"].startswith("/api/articles/")
    assert not links(again)["next"].startswith("/api/articles/")


def walk(client, url: str) -> list[int]:
    """Follow the next links of a cursor walk to the end; the ids seen, in order."""
    seen: list[int] = []
    page = client.get(url)
    while True:
        assert page.status_code == 200, page.get_json()
        seen += [item["id"] for item in page.get_json()["items"]]
        following = links(page).get("next")
        if following is None:
            assert page.get_json()["next_cursor"] is None
            return seen
        page = client.get(following)


@pytest.mark.parametrize("order", ["-published_at", "published_at", "title"])
def test_a_cursor_walk_sees_each_article_once_in_order(client, make_article, order):
    for n in range(7):
        make_article(title=f"Bài số {n}", published_at=f"2024-05-0{n % 3 + 1}T08:00:00+07:00")
    listed = [item["id"] for item in client.get(f"/v1/articles?order={order}").get_json()["items"]]

    start = client.get(f"/v1/articles?order={order}&per_page=3").get_json()["next_cursor"]
    walked = walk(client, f"/v1/articles?order={order}&per_page=3&after={start}")

    assert listed[:3] + walked == listed


def test_a_cursor_walk_misses_nothing_while_articles_are_published(app, client, make_article):
    before = [make_article(title=f"Tin cũ {n}")["id"] for n in range(12)]
    writer = app.test_client()
    stop = threading.Event()
    added: list[int] = []

    def publish() -> None:
        while not stop.is_set() and len(added) < 40:
            made = writer.post(
                "/v1/articles",
                json={
                    "title": f"Tin mới {len(added)}",
                    "category": "kinh-te",
                    "status": "published",
                },
                headers=AUTH,
            )
            added.append(made.get_json()["id"])

    thread = threading.Thread(target=publish)
    thread.start()
    try:
        first = client.get("/v1/articles?per_page=2")
        seen = [item["id"] for item in first.get_json()["items"]]
        cursor = first.get_json()["next_cursor"]
        seen += walk(client, f"/v1/articles?per_page=2&after={cursor}")
    finally:
        stop.set()
        thread.join()

    assert len(seen) == len(set(seen)), "an article came twice"
    assert set(before) <= set(seen), "an article that was there all along was missed"
    assert added, "nothing was published during the walk"


def test_a_cursor_answers_with_first_and_next_links_only(client, dated):
    start = client.get("/v1/articles?per_page=1").get_json()["next_cursor"]
    response = client.get(f"/v1/articles?per_page=1&after={start}")

    rels = links(response)
    assert set(rels) == {"first", "next"}
    assert "after" not in query_of(rels["first"])
    assert query_of(rels["next"])["after"] == [response.get_json()["next_cursor"]]
    assert response.headers["X-Total-Count"] == "4"


@pytest.mark.parametrize(
    "query",
    [
        "after=not-a-cursor",
        "after=W10",  # base64 of [] : well-formed, not ours
        "after={cursor}&page=2",
        "after={cursor}&ids=1,2",
        "after={cursor}&q=an+ninh",
        "after={cursor}&order=title",  # made for -published_at
    ],
)
def test_a_cursor_that_does_not_fit_is_a_422(client, dated, query):
    cursor = client.get("/v1/articles?per_page=1").get_json()["next_cursor"]

    response = client.get("/v1/articles?" + query.format(cursor=cursor))

    assert response.status_code == 422
    assert "after" in response.get_json()["errors"]
