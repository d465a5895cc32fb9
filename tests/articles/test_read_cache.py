"""Reads by id and slug answered from the per-process cache, never with an old version."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from articles_kit import AUTH
from sqlalchemy import text

from articles import extensions, queries, versions
from portalkit.answer_cache import AnswerCache
from support.spies import note_calls


@pytest.fixture
def answers(app) -> AnswerCache:
    cache: AnswerCache = extensions.article_answers(app)
    cache.clear()  # each test starts with nothing kept
    return cache


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The answer cache's monotonic clock, set by the test: ``clock[0] += 5``."""
    import portalkit.answer_cache as answer_cache

    now = [1000.0]
    monkeypatch.setattr(answer_cache.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def orm_loads(monkeypatch) -> list[int]:
    """Ids of the articles a read had to load through the ORM (a cache miss)."""
    return note_calls(
        monkeypatch,
        queries,
        "get_article",
        lambda _session, article_id, *_rest, **_named: article_id,
    )


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


def test_an_id_used_again_after_a_delete_gets_its_own_answer(client, db, make_article, answers):
    """SQLite may give a new article the id of the newest deleted one, at version 1 too."""
    gone = make_article(title="Bài đã xoá")
    assert client.get(f"/v1/articles/{gone['id']}").status_code == 200
    client.delete(f"/v1/articles/{gone['id']}", headers=AUTH)
    if not db.sqlite:  # PostgreSQL's sequence moves on; a restored backup's may not
        with db.engine.begin() as connection:
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('articles', 'id'), :id, false)"),
                {"id": gone["id"]},
            )

    new = make_article(title="Bài mới đăng")
    read = client.get(f"/v1/articles/{new['id']}").get_json()

    assert new["id"] == gone["id"]
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
    answers = AnswerCache(max_bytes=1000)
    for n in range(10):
        answers.put((n, 1, None), b"x" * 200)
        answers.get((0, 1, None))  # the first stays in use

    assert answers.size <= 1000
    assert answers.get((0, 1, None)) is not None
    assert answers.get((1, 1, None)) is None
    assert answers.get((9, 1, None)) is not None
    answers.put((99, 1, None), b"y" * 400)  # over a quarter of the budget: not kept
    assert answers.get((99, 1, None)) is None


def test_an_entry_is_dropped_after_its_age(clock):
    now = clock
    answers = AnswerCache(max_bytes=1000, max_age_s=300)
    answers.put((1, 1, None), b"answer")
    now[0] += 299
    assert answers.get((1, 1, None)) == b"answer"
    now[0] += 2
    assert answers.get((1, 1, None)) is None
    assert answers.size == 0


def test_an_answer_due_for_refresh_is_rebuilt_by_one_reader_while_others_keep_it(clock):
    now = clock
    answers = AnswerCache(max_bytes=1000, max_age_s=10, refresh_after_s=8)
    answers.put("q", b"old", (("X-Total-Count", "1"),))
    now[0] += 7.9
    assert answers.get_answer("q") == (b"old", (("X-Total-Count", "1"),))

    now[0] += 0.2  # 8.1 s old: the first reader to ask rebuilds it...
    assert answers.get_answer("q") is None
    # ...and every other reader is still answered, up to the entry's age
    assert [answers.get("q") for _ in range(3)] == [b"old"] * 3
    answers.put("q", b"new")
    assert answers.get("q") == b"new"

    now[0] += 8.5  # a rebuild that puts nothing: the old answer lasts until its age
    assert answers.get("q") is None
    assert answers.get("q") == b"new"
    now[0] += 1.6
    assert answers.get("q") is None
    assert answers.get("q") is None, "past its age no one is answered from it"
    assert answers.size == 0


def test_a_refresh_is_only_asked_for_before_the_age():
    with pytest.raises(ValueError):
        AnswerCache(max_bytes=1000, max_age_s=10, refresh_after_s=10)
    with pytest.raises(ValueError):
        AnswerCache(max_bytes=1000, max_age_s=10, refresh_after_s=-1)


def test_answers_put_together_come_due_over_a_while_not_all_at_once(clock):
    now = clock
    answers = AnswerCache(max_bytes=100_000, max_age_s=300, refresh_after_s=270, spread=0.2)
    for key in range(200):  # a start, or a burst of readers: every answer built at once
        answers.put(key, b"answer")
    due: dict[int, float] = {}
    while len(due) < 200 and now[0] < 1400:
        now[0] += 1
        for key in range(200):
            if key not in due and answers.get(key) is None:
                due[key] = now[0] - 1000
    assert len(due) == 200
    # each one due for its rebuild between 80% and 100% of 270 s, spread over that time
    assert min(due.values()) >= 0.8 * 270 and max(due.values()) <= 270 + 1
    assert max(due.values()) - min(due.values()) > 30
    assert max(sum(1 for age in due.values() if int(age) == second) for second in range(300)) < 20


def test_an_answer_is_never_kept_past_its_age_whatever_its_spread(clock):
    now = clock
    answers = AnswerCache(max_bytes=100_000, max_age_s=300, spread=0.2)
    for key in range(100):
        answers.put(key, b"answer")
    now[0] += 0.8 * 300 - 1
    assert all(answers.get(key) == b"answer" for key in range(100))
    now[0] += 0.2 * 300 + 1.5
    assert all(answers.get(key) is None for key in range(100))
    assert answers.size == 0
    with pytest.raises(ValueError):
        AnswerCache(max_bytes=1000, spread=1.0)


def test_article_answers_are_rebuilt_before_their_age_and_spread(answers):
    from articles.app import ARTICLE_REFRESH_S, ARTICLE_SPREAD

    assert answers.refresh_after_s == ARTICLE_REFRESH_S < answers.max_age_s
    assert answers.spread == ARTICLE_SPREAD > 0


def test_no_budget_keeps_nothing(client, make_article, app, orm_loads, monkeypatch):
    monkeypatch.setitem(app.extensions, extensions.article_answers.key, AnswerCache(max_bytes=0))
    article = make_article()
    client.get(f"/v1/articles/{article['id']}")
    client.get(f"/v1/articles/{article['id']}")
    assert orm_loads == [article["id"], article["id"]]


@pytest.fixture
def list_queries(app, monkeypatch) -> list[str | None]:
    """The ``q`` of every list the ORM had to build (a list cache miss)."""
    extensions.list_answers(app).clear()
    built: list[str | None] = []
    real = queries.list_articles

    def counting(session, tree, filters):
        built.append(filters.q)
        return real(session, tree, filters)

    monkeypatch.setattr(queries, "list_articles", counting)
    return built


def test_a_public_list_is_built_once_until_something_public_changes(
    client, make_article, list_queries
):
    make_article(title="Đảm bảo an ninh trật tự dịp Tết")
    first = client.get("/v1/articles?q=an+ninh")
    again = client.get("/v1/articles?q=an+ninh")
    other_page = client.get("/v1/articles?q=an+ninh&page=2")

    assert first.data == again.data
    assert first.get_json()["total"] == 1
    assert other_page.get_json()["page"] == 2
    assert list_queries == ["an ninh", "an ninh"], "the same arguments were built once"

    make_article(title="An ninh biên giới được giữ vững")  # published: a new event
    after = client.get("/v1/articles?q=an+ninh").get_json()
    assert after["total"] == 2


def test_a_busy_public_list_is_rebuilt_once_before_it_expires(
    app, client, make_article, list_queries, clock
):
    now = clock
    make_article(title="Đảm bảo an ninh trật tự dịp Tết")
    first = client.get("/v1/articles?q=an+ninh")
    cache = extensions.list_answers(app)
    now[0] += cache.refresh_after_s + 0.5  # due for refresh, not yet expired

    answers = [client.get("/v1/articles?q=an+ninh") for _ in range(4)]

    assert {answer.status_code for answer in answers} == {200}
    assert {answer.data for answer in answers} == {first.data}
    assert list_queries == ["an ninh", "an ninh"], "one reader rebuilt it, the others kept it"
    now[0] += cache.refresh_after_s - 1  # the rebuilt answer is young again
    client.get("/v1/articles?q=an+ninh")
    assert list_queries == ["an ninh", "an ninh"]


def test_a_draft_changes_nothing_public_and_editors_always_see_the_current_list(
    client, make_article, list_queries
):
    make_article(title="Tin đã đăng")
    public = client.get("/v1/articles").get_json()
    make_article(title="Bản nháp", status="draft")

    assert client.get("/v1/articles").get_json() == public
    editor = client.get("/v1/articles", headers=AUTH).get_json()
    assert {item["title"] for item in editor["items"]} == {"Tin đã đăng", "Bản nháp"}


def test_unpublishing_and_deleting_leave_the_public_list_at_once(
    client, make_article, list_queries
):
    kept = make_article(title="Bài còn lại")
    pulled = make_article(title="Bài bị gỡ")
    gone = make_article(title="Bài bị xoá")
    assert client.get("/v1/articles").get_json()["total"] == 3

    client.patch(f"/v1/articles/{pulled['id']}", json={"status": "draft"}, headers=AUTH)
    assert client.get("/v1/articles").get_json()["total"] == 2
    client.delete(f"/v1/articles/{gone['id']}", headers=AUTH)
    listed = client.get("/v1/articles").get_json()
    assert [item["id"] for item in listed["items"]] == [kept["id"]]


def test_a_repeated_public_query_is_answered_before_its_arguments_are_parsed(
    client, make_article, list_queries, monkeypatch
):
    from articles.api import articles as resources

    make_article(title="Đảm bảo an ninh trật tự dịp Tết")
    first = client.get("/v1/articles?q=an+ninh&per_page=5")
    parsed = []
    real = resources.ArticleQueryArgsSchema.load
    monkeypatch.setattr(
        resources.ArticleQueryArgsSchema,
        "load",
        lambda self, *a, **k: parsed.append(1) or real(self, *a, **k),
    )
    reordered = client.get("/v1/articles?per_page=5&q=an%20ninh")

    assert reordered.data == first.data
    assert parsed == [], "the stored answer was found by the query string alone"
    assert list_queries == ["an ninh"]


def test_an_invalid_query_is_never_stored(client, make_article, list_queries):
    make_article()
    for _ in range(2):
        assert client.get("/v1/articles?per_page=1000").status_code == 422
        assert client.get("/v1/articles?page=0").status_code == 422
    assert client.get("/v1/articles?status=draft").status_code == 401


@pytest.fixture
def version_reads(monkeypatch) -> Callable[[], int]:
    """How many times reads asked the database for an article's current version."""
    by_id = note_calls(monkeypatch, versions, "version_by_id", lambda _c, article_id: article_id)
    by_slug = note_calls(monkeypatch, versions, "version_by_slug", lambda _c, slug: slug)
    return lambda: len(by_id) + len(by_slug)


def test_public_reads_ask_for_the_version_once_per_recheck(
    app, client, make_article, answers, version_reads
):
    article = make_article()
    recent = extensions.recent_versions(app)
    recent.recheck_s = 3600  # whatever the machine's speed
    paths = [f"/v1/articles/{article['id']}", f"/v1/articles/by-slug/{article['slug']}"]

    replies = [client.get(path) for path in paths * 10]
    asked_within = version_reads()
    recent.recheck_s = 0  # the versions read are now too old to trust
    again = client.get(paths[0])

    assert {reply.status_code for reply in replies} == {200}
    assert asked_within == 2  # once by id, once by slug
    assert version_reads() == 3 and again.data == replies[0].data


def test_readers_who_may_see_drafts_always_ask_for_the_version(
    app, client, make_article, answers, version_reads
):
    article = make_article()
    extensions.recent_versions(app).recheck_s = 3600

    for _ in range(3):
        assert client.get(f"/v1/articles/{article['id']}", headers=AUTH).status_code == 200

    assert version_reads() == 3


def test_a_change_made_by_another_process_is_read_once_the_version_is_a_recheck_old(
    app, client, db, make_article, answers
):
    article = make_article()
    recent = extensions.recent_versions(app)
    recent.recheck_s = 3600
    path = f"/v1/articles/by-slug/{article['slug']}"
    assert client.get(path).status_code == 200
    with db.engine.begin() as connection:  # e.g. the scheduler unpublishing it elsewhere
        connection.execute(
            text("UPDATE articles SET status = 'draft', version = version + 1 WHERE id = :id"),
            {"id": article["id"]},
        )

    within = client.get(path).status_code
    recent.recheck_s = 0
    after = client.get(path).status_code

    assert (within, after) == (200, 404)


def test_a_write_through_this_process_is_read_at_once_whatever_it_changed(
    app, client, make_article, answers
):
    article = make_article()
    extensions.recent_versions(app).recheck_s = 3600
    path = f"/v1/articles/{article['id']}"
    assert client.get(path).status_code == 200

    client.patch(path, json={"status": "draft"}, headers=AUTH)

    assert client.get(path).status_code == 404


def test_a_client_that_asks_for_the_current_version_is_answered_it_at_once(
    app, client, db, make_article, answers
):
    article = make_article()
    extensions.recent_versions(app).recheck_s = 3600
    path = f"/v1/articles/{article['id']}"
    assert client.get(path).status_code == 200
    with db.engine.begin() as connection:  # another process unpublishes it
        connection.execute(
            text("UPDATE articles SET status = 'draft', version = version + 1 WHERE id = :id"),
            {"id": article["id"]},
        )

    assert client.get(path, headers={"Cache-Control": "no-cache"}).status_code == 404


@pytest.fixture
def generation_reads(monkeypatch) -> list[None]:
    """One item each time a public list asked the database for the public generation."""
    return note_calls(monkeypatch, versions, "public_generation", lambda _connection: None)


def test_public_lists_ask_for_the_generation_once_per_recheck(
    app, client, make_article, list_queries, generation_reads
):
    make_article(title="Đảm bảo an ninh trật tự dịp Tết")
    recent = extensions.recent_generation(app)
    recent.recheck_s = 3600  # whatever the machine's speed
    paths = ["/v1/articles?q=an+ninh", "/v1/articles", "/v1/articles?page=1"]

    replies = [client.get(path) for path in paths * 10]
    asked_within = len(generation_reads)
    recent.recheck_s = 0  # the generation read is now too old to trust
    again = client.get(paths[0])

    assert {reply.status_code for reply in replies} == {200}
    assert asked_within == 1, "every list within the recheck used the generation read once"
    assert len(generation_reads) == 2 and again.data == replies[0].data
    assert len(list_queries) == 3, "each query was built once"


def test_a_list_changed_by_another_process_is_read_after_a_recheck_or_when_asked(
    app, client, db, make_article, list_queries
):
    pulled = make_article(title="Bài bị gỡ ở nơi khác")
    recent = extensions.recent_generation(app)
    recent.recheck_s = 3600
    assert client.get("/v1/articles").get_json()["total"] == 1
    with db.engine.begin() as connection:  # e.g. the scheduler, with its outbox row
        connection.execute(
            text("UPDATE articles SET status = 'draft', version = version + 1 WHERE id = :id"),
            {"id": pulled["id"]},
        )
        connection.execute(  # already sent: only the generation matters here
            text(
                "INSERT INTO outbox (event_id, event_type, stream, fields, created_at, sent_at)"
                " VALUES ('test-elsewhere', 'article.unpublished', 'test', '{}',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )

    within = client.get("/v1/articles").get_json()["total"]
    asked = client.get("/v1/articles", headers={"Cache-Control": "no-cache"}).get_json()
    recent.recheck_s = 0
    after = client.get("/v1/articles").get_json()["total"]

    assert (within, asked["total"], after) == (1, 0, 0)


def test_a_write_through_this_process_changes_public_lists_at_once(
    app, client, make_article, list_queries
):
    extensions.recent_generation(app).recheck_s = 3600
    make_article(title="Bài thứ nhất")
    assert client.get("/v1/articles").get_json()["total"] == 1

    make_article(title="Bài thứ hai")

    assert client.get("/v1/articles").get_json()["total"] == 2
