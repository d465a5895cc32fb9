"""``X-Actor``: the person behind a request, accepted from a token with ``act-as`` and
recorded in revisions, event data and the log; revisions read one by one and restored."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace

import pytest
from articles_kit import AUTH, TOKEN, outbox_rows

from articles import extensions
from articles.app import create_app
from portalkit.logging import json_lines_handler
from support.scoped_tokens import lacking, only, token_settings

NEWSROOM = only("act-as", "articles.write")
EDITOR = {**only("act-as", "articles.publish"), "X-Actor": "binh.le"}


@pytest.fixture(scope="session")
def scoped_app(base_settings):
    app = create_app(replace(base_settings, **token_settings("editor", TOKEN)))
    app.config["TESTING"] = True
    yield app
    extensions.database(app).dispose()


@pytest.fixture
def scoped(scoped_app, db, categories):
    return scoped_app.test_client()


def _draft(client, headers, **fields):
    body = {"title": "Bài nháp", "category": "kinh-te", **fields}
    response = client.post("/v1/articles", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _revisions(client, article_id):
    response = client.get(f"/v1/articles/{article_id}/revisions", headers=AUTH)
    assert response.status_code == 200
    return response.get_json()


def test_revisions_name_the_token_and_the_person_who_made_each_version(scoped):
    draft = _draft(scoped, {**NEWSROOM, "X-Actor": "thu.nguyen"})
    path = f"/v1/articles/{draft['id']}"
    assert scoped.patch(path, json={"title": "Tiêu đề mới"}, headers=EDITOR).status_code == 200
    assert scoped.patch(path, json={"summary": "Sapo"}, headers=AUTH).status_code == 200
    listed = _revisions(scoped, draft["id"])
    made = [(item["version"], item["editor"], item["actor"]) for item in listed["items"]]
    assert made == [
        (2, "act-as+articles.publish", "binh.le"),
        (1, "act-as+articles.write", "thu.nguyen"),
    ]
    assert (listed["current"]["version"], listed["current"]["editor"]) == (3, "editor")
    assert listed["current"]["actor"] is None
    one = scoped.get(f"{path}/revisions/1", headers=AUTH).get_json()
    assert (one["actor"], one["article"]["title"]) == ("thu.nguyen", "Bài nháp")


def test_the_actor_is_in_the_event_data(scoped, db):
    draft = _draft(scoped, AUTH)
    path = f"/v1/articles/{draft['id']}"
    assert scoped.patch(path, json={"status": "published"}, headers=EDITOR).status_code == 200
    assert scoped.delete(path, headers={**AUTH, "X-Actor": "an.tran"}).status_code == 204
    events = [
        (row["event_type"], json.loads(json.loads(row["fields"])["data"]))
        for row in outbox_rows(db)
    ]
    assert [(kind, data["actor"]) for kind, data in events] == [
        ("article.published", "binh.le"),
        ("article.deleted", "an.tran"),
    ]


def test_the_actor_is_in_the_json_log_line_of_the_write(scoped):
    stream = io.StringIO()
    handler = json_lines_handler("articles", stream)
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        _draft(scoped, {**NEWSROOM, "X-Actor": "thu.nguyen"})
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    written = next(line for line in lines if line["msg"] == "article written")
    assert written["actor"] == "thu.nguyen"
    assert written["token"] == "act-as+articles.write"
    assert written["operation"] == "article.create"


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_token_without_act_as_naming_someone_is_refused_and_changes_nothing(scoped, method):
    draft = _draft(scoped, AUTH)
    headers = {**lacking("act-as"), "X-Actor": "thu.nguyen"}
    path = "/v1/articles" if method == "post" else f"/v1/articles/{draft['id']}"
    body = {"title": "Khác", "category": "kinh-te"} if method != "delete" else None
    refused = scoped.open(path, method=method.upper(), json=body, headers=headers)
    assert refused.status_code == 403
    assert "act-as" in refused.get_json()["detail"]
    listed = scoped.get("/v1/articles", headers=AUTH).get_json()
    assert [(item["id"], item["title"]) for item in listed["items"]] == [(draft["id"], "Bài nháp")]


@pytest.mark.parametrize("named", ["", "a b", "x" * 121, "<script>"])
def test_a_malformed_actor_is_400(scoped, named):
    response = scoped.post(
        "/v1/articles",
        json={"title": "Bài", "category": "kinh-te"},
        headers={**NEWSROOM, "X-Actor": named},
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_a_token_listed_without_scopes_may_name_an_actor(scoped):
    draft = _draft(scoped, {**AUTH, "X-Actor": "thu.nguyen"})
    assert _revisions(scoped, draft["id"])["current"]["actor"] == "thu.nguyen"


# restore -------------------------------------------------------------------------------


def test_restoring_a_revision_makes_a_new_version_with_its_content(scoped, db):
    article = _draft(scoped, AUTH, status="published", tags=["nông thôn"], author="Thu Nguyễn")
    path = f"/v1/articles/{article['id']}"
    changed = {"title": "Sai tiêu đề", "tags": [], "author": None, "category": "chinh-tri"}
    assert scoped.patch(path, json=changed, headers=AUTH).status_code == 200
    restored = scoped.post(f"{path}/revisions/1/restore", headers=EDITOR)
    assert restored.status_code == 200
    body = restored.get_json()
    assert (body["version"], body["title"], body["tags"]) == (3, article["title"], ["nông thôn"])
    assert (body["author"], body["category"]["slug"]) == ("Thu Nguyễn", "kinh-te")
    assert (body["status"], body["slug"]) == ("published", article["slug"])
    assert restored.headers["ETag"] == f'"{article["id"]}-3"'
    listed = _revisions(scoped, article["id"])
    assert (listed["total"], listed["current"]["actor"]) == (2, "binh.le")
    last = json.loads(json.loads(outbox_rows(db)[-1]["fields"])["data"])
    assert (last["version"], last["actor"]) == (3, "binh.le")


def test_restore_needs_articles_publish_and_a_kept_revision(scoped):
    article = _draft(scoped, AUTH)
    path = f"/v1/articles/{article['id']}"
    scoped.patch(path, json={"title": "Mới"}, headers=AUTH)
    assert scoped.post(f"{path}/revisions/1/restore", headers=NEWSROOM).status_code == 403
    assert scoped.post(f"{path}/revisions/9/restore", headers=AUTH).status_code == 404
    assert scoped.get(f"{path}/revisions/9", headers=AUTH).status_code == 404
    stale = {**AUTH, "If-Match": f'"{article["id"]}-1"'}
    assert scoped.post(f"{path}/revisions/1/restore", headers=stale).status_code == 412
    assert scoped.get(f"{path}/revisions/1", headers=only("articles.write")).status_code == 403
