"""Which scope an article write needs: ``articles.write`` keeps to drafts (and articles
in review), ``articles.publish`` publishes, schedules, unpublishes, edits what is public
and deletes; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from articles_kit import AUTH, TOKEN, outbox_rows

from articles import extensions
from articles.app import create_app
from support.scoped_tokens import only, token_settings

WRITE = only("articles.write")
PUBLISH = only("articles.publish")
LATER = "2200-01-01T00:00:00+07:00"


@pytest.fixture(scope="session")
def scoped_app(base_settings):
    app = create_app(replace(base_settings, **token_settings("editor", TOKEN)))
    app.config["TESTING"] = True
    yield app
    extensions.database(app).dispose()


@pytest.fixture
def scoped(scoped_app, db, categories):
    return scoped_app.test_client()


def _create(client, headers, **fields):
    body = {"title": "Bài của phóng viên", "category": "kinh-te", **fields}
    return client.post("/v1/articles", json=body, headers=headers)


@pytest.mark.parametrize("status", [None, "draft"])
def test_articles_write_creates_and_edits_drafts(scoped, status):
    fields = {"status": status} if status else {}
    created = _create(scoped, WRITE, **fields)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "draft"
    path = f"/v1/articles/{created.get_json()['id']}"
    edited = scoped.patch(path, json={"title": "Tiêu đề mới"}, headers=WRITE)
    assert edited.status_code == 200
    assert edited.get_json()["version"] == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "published"},
        {"status": "scheduled", "published_at": LATER},
        {"status": "archived"},
    ],
)
def test_articles_write_alone_cannot_create_beyond_a_draft(scoped, fields):
    refused = _create(scoped, WRITE, **fields)
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert "articles.publish" in refused.get_json()["detail"]
    assert (
        scoped.get("/v1/articles?status=" + fields["status"], headers=AUTH).get_json()["total"] == 0
    )


@pytest.mark.parametrize(
    "change",
    [{"status": "published"}, {"status": "scheduled", "published_at": LATER}],
)
def test_articles_write_alone_cannot_publish_or_schedule_a_draft(scoped, change):
    draft = _create(scoped, WRITE).get_json()
    refused = scoped.patch(f"/v1/articles/{draft['id']}", json=change, headers=WRITE)
    assert refused.status_code == 403
    kept = scoped.get(f"/v1/articles/{draft['id']}", headers=AUTH).get_json()
    assert (kept["status"], kept["version"]) == ("draft", 1)


@pytest.mark.parametrize(
    "change", [{"status": "draft"}, {"status": "archived"}, {"title": "Sửa bài đã đăng"}]
)
def test_articles_write_alone_cannot_unpublish_or_edit_a_published_article(scoped, change):
    published = _create(scoped, PUBLISH, status="published").get_json()
    refused = scoped.patch(f"/v1/articles/{published['id']}", json=change, headers=WRITE)
    assert refused.status_code == 403
    kept = scoped.get(f"/v1/articles/{published['id']}").get_json()
    assert (kept["status"], kept["version"]) == ("published", 1)


def test_only_articles_publish_deletes(scoped):
    draft = _create(scoped, WRITE).get_json()
    path = f"/v1/articles/{draft['id']}"
    assert scoped.delete(path, headers=WRITE).status_code == 403
    assert scoped.get(path, headers=AUTH).status_code == 200
    assert scoped.delete(path, headers=PUBLISH).status_code == 204
    assert scoped.get(path, headers=AUTH).status_code == 404


def test_articles_publish_publishes_schedules_and_unpublishes(scoped):
    draft = _create(scoped, WRITE).get_json()
    path = f"/v1/articles/{draft['id']}"
    scheduled = scoped.patch(
        path, json={"status": "scheduled", "published_at": LATER}, headers=PUBLISH
    )
    assert scheduled.get_json()["status"] == "scheduled"
    assert scoped.patch(path, json={"status": "published"}, headers=PUBLISH).status_code == 200
    assert scoped.get(path).status_code == 200
    assert scoped.patch(path, json={"status": "archived"}, headers=PUBLISH).status_code == 200
    assert scoped.get(path).status_code == 404


# review ----------------------------------------------------------------------------------


def test_an_author_submits_a_draft_for_review_and_may_take_it_back(scoped):
    draft = _create(scoped, WRITE).get_json()
    path = f"/v1/articles/{draft['id']}"
    submitted = scoped.patch(path, json={"status": "review"}, headers=WRITE)
    assert submitted.status_code == 200
    assert submitted.get_json()["status"] == "review"
    assert scoped.patch(path, json={"title": "Sửa khi chờ duyệt"}, headers=WRITE).status_code == 200
    assert scoped.patch(path, json={"status": "draft"}, headers=WRITE).status_code == 200
    assert _create(scoped, WRITE, status="review").get_json()["status"] == "review"


def test_an_article_in_review_is_never_public(scoped):
    article = _create(scoped, WRITE, status="review").get_json()
    assert scoped.get(f"/v1/articles/{article['id']}").status_code == 404
    assert scoped.get(f"/v1/articles/by-slug/{article['slug']}").status_code == 404
    assert scoped.get("/v1/articles").get_json()["total"] == 0
    assert scoped.get("/v1/articles?status=review").status_code == 401
    waiting = scoped.get("/v1/articles?status=review", headers=only("drafts.read")).get_json()
    assert [item["id"] for item in waiting["items"]] == [article["id"]]


def test_only_an_editor_publishes_from_review_and_back(scoped, db):
    article = _create(scoped, WRITE, status="review").get_json()
    path = f"/v1/articles/{article['id']}"
    assert scoped.patch(path, json={"status": "published"}, headers=WRITE).status_code == 403
    assert scoped.patch(path, json={"status": "published"}, headers=PUBLISH).status_code == 200
    assert scoped.get(path).status_code == 200
    assert scoped.patch(path, json={"status": "review"}, headers=WRITE).status_code == 403
    assert scoped.patch(path, json={"status": "review"}, headers=PUBLISH).status_code == 200
    assert scoped.get(path).status_code == 404
    events = [row["event_type"] for row in outbox_rows(db)]
    assert events == ["article.published", "article.unpublished"]
