"""Reads by id and slug answered from the per-process cache, never with an old version."""

from __future__ import annotations

import pytest
from articles_kit import AUTH

from articles import queries
from articles.readcache import Answers


@pytest.fixture
def answers(app) -> Answers:
    cache: Answers = app.extensions["articles.answers"]
    with cache._lock:  # each test starts with nothing kept
        cache._items.clear()
        cache._size = 0
    return cache


@pytest.fixture
def orm_loads(monkeypatch) -> list[int]:
    """Ids of the articles a read had to load through the ORM (a cache miss)."""
    loads: list[int] = []
    real = queries.get_article

    def counting(session, article_id, public):
        loads.append(article_id)
        return real(session, article_id, public)

    monkeypatch.setattr(queries, "get_article", counting)
    return loads


def test_a_second_read_is_answered_from_the_cache_with_the_same_bytes(
    client, make_article, answers, orm_loads
):
    article = make_article()
    by_id = f"/v1/articles/{article['id']}"
    by_slug = f"/v1/articles/by-slug/{article['slug']}"

    first = client.get(by_id)
    again = client.get(by_id)
    slug = client.get(by_slug)

    assert orm_loads == [article["id"]], "only the first read loads the article"
    assert again.data == first.data == slug.data
    assert again.headers["ETag"] == first.headers["ETag"] == f'"{article["id"]}-1"'
    assert again.get_json()["title"] == article["title"]
    assert len(answers) == 1


def test_an_edit_is_read_at_once(client, make_article, answers):
    article = make_article()
    path = f"/v1/articles/by-slug/{article['slug']}"
    assert client.get(path).get_json()["version"] == 1

    edit = client.patch(
        f"/v1/articles/{article['id']}", json={"summary": "Tóm tắt mới."}, headers=AUTH
    )
    assert edit.status_code == 200

    read = client.get(path)
    assert read.get_json()["summary"] == "Tóm tắt mới."
    assert read.headers["ETag"] == f'"{article["id"]}-2"'


def test_an_unpublished_or_deleted_article_is_not_served_from_the_cache(
    client, make_article, answers
):
    article = make_article()
    path = f"/v1/articles/{article['id']}"
    assert client.get(path).status_code == 200

    client.patch(path, json={"status": "draft"}, headers=AUTH)
    assert client.get(path).status_code == 404
    assert client.get(path, headers=AUTH).get_json()["status"] == "draft"

    client.delete(path, headers=AUTH)
    assert client.get(path, headers=AUTH).status_code == 404


def test_an_id_used_again_after_a_delete_gets_its_own_answer(client, make_article, answers):
    """SQLite may give a new article the id of the newest deleted one, at version 1 too."""
    gone = make_article(title="Bài đã xoá")
    assert client.get(f"/v1/articles/{gone['id']}").status_code == 200
    client.delete(f"/v1/articles/{gone['id']}", headers=AUTH)

    new = make_article(title="Bài mới đăng")
    read = client.get(f"/v1/articles/{new['id']}").get_json()

    assert read["title"] == "Bài mới đăng"


def test_an_old_slug_is_answered_from_the_same_entry(client, make_article, answers, orm_loads):
    article = make_article(title="Tiêu đề cũ")
    client.patch(f"/v1/articles/{article['id']}", json={"slug": "tieu-de-moi"}, headers=AUTH)

    old = client.get("/v1/articles/by-slug/tieu-de-cu")
    new = client.get("/v1/articles/by-slug/tieu-de-moi")

    assert old.status_code == new.status_code == 200
    assert old.data == new.data
    assert old.get_json()["slug"] == "tieu-de-moi"
    assert orm_loads == [article["id"]]


def test_the_cache_keeps_within_its_byte_budget_and_forgets_the_least_used():
    answers = Answers(max_bytes=1000)
    for n in range(10):
        answers.put((n, 1, None), b"x" * 200)
        answers.get((0, 1, None))  # the first stays in use

    assert answers.size <= 1000
    assert answers.get((0, 1, None)) is not None
    assert answers.get((1, 1, None)) is None
    assert answers.get((9, 1, None)) is not None
    answers.put((99, 1, None), b"y" * 400)  # over a quarter of the budget: not kept
    assert answers.get((99, 1, None)) is None


def test_an_entry_is_dropped_after_its_age(monkeypatch):
    import articles.readcache as readcache

    now = [1000.0]
    monkeypatch.setattr(readcache.time, "monotonic", lambda: now[0])
    answers = Answers(max_bytes=1000, max_age_s=300)
    answers.put((1, 1, None), b"answer")
    now[0] += 299
    assert answers.get((1, 1, None)) == b"answer"
    now[0] += 2
    assert answers.get((1, 1, None)) is None
    assert answers.size == 0


def test_no_budget_keeps_nothing(client, make_article, app, orm_loads, monkeypatch):
    monkeypatch.setitem(app.extensions, "articles.answers", Answers(max_bytes=0))
    article = make_article()
    client.get(f"/v1/articles/{article['id']}")
    client.get(f"/v1/articles/{article['id']}")
    assert orm_loads == [article["id"], article["id"]]
