"""The desk against the real articles service: writing, the workflow by role, 412, XSS."""

from __future__ import annotations

import html
import re

import pytest
from newsroom_kit import csrf_token, login

from newsroom import extensions
from newsroom.workflow import record_owner

SCRIPT = '<script>alert("xss")</script>'
BODY = '<div><strong>Đậm</strong> và <a href="https://yenbai.gov.vn">liên kết</a></div>'


def signed_in(desk, username):
    client = desk.test_client()
    assert login(client, username).status_code == 302
    return client


def etag_of(page: str) -> str:
    return html.unescape(re.search(r'name="etag" value="([^"]*)"', page).group(1))


def form(client, path: str, **fields) -> dict:
    base = {
        "csrf_token": csrf_token(client, path),
        "title": "Yên Bái: Sơ kết công tác",
        "summary": "Tóm tắt",
        "category": "an-ninh-quoc-phong",
        "author": "Nguyễn Văn Tác",
        "source": "CTTĐT",
        "language": "vi",
        "tags": "an ninh, nông thôn",
        "body_html": BODY,
    }
    return {**base, **fields}


def new_article(client) -> int:
    reply = client.post("/articles", data=form(client, "/articles/new"))
    assert reply.status_code == 302, reply.get_data(as_text=True)
    return int(re.search(r"/articles/(\d+)", reply.headers["Location"]).group(1))


def test_an_author_writes_a_draft_that_the_api_keeps(desk, articles_api):
    author = signed_in(desk, "tac-gia")
    article_id = new_article(author)

    stored = articles_api.article(article_id)
    assert stored["status"] == "draft"
    assert stored["category"]["slug"] == "an-ninh-quoc-phong"
    assert "<strong>Đậm</strong>" in stored["body_html"]
    assert stored["tags"] == ["an ninh", "nông thôn"]
    page = author.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "Sơ kết công tác" in page


def test_an_author_sees_no_publish_button_and_is_refused_when_posting_one(desk, articles_api):
    author = signed_in(desk, "tac-gia")
    article_id = new_article(author)
    page = author.get(f"/articles/{article_id}").get_data(as_text=True)
    assert 'value="publish"' not in page
    assert 'value="schedule"' not in page

    refused = author.post(
        f"/articles/{article_id}",
        data=form(author, f"/articles/{article_id}", action="publish", etag=etag_of(page)),
    )

    assert refused.status_code == 403
    assert articles_api.article(article_id)["status"] == "draft"


def test_an_editor_publishes_and_schedules_in_vietnam_time(desk, articles_api):
    author = signed_in(desk, "tac-gia")
    article_id = new_article(author)
    editor = signed_in(desk, "bien-tap")
    path = f"/articles/{article_id}"
    page = editor.get(path).get_data(as_text=True)
    assert 'value="publish"' in page

    scheduled = editor.post(
        path,
        data=form(
            editor,
            path,
            action="schedule",
            etag=etag_of(page),
            publish_date="2031-01-02",
            publish_time="08:30:15",
        ),
    )
    assert scheduled.status_code == 302
    stored = articles_api.article(article_id)
    assert stored["status"] == "scheduled"
    assert stored["published_at"].startswith("2031-01-02T01:30:15")  # 08:30:15 +07:00 in UTC

    page = editor.get(path).get_data(as_text=True)
    published = editor.post(path, data=form(editor, path, action="publish", etag=etag_of(page)))
    assert published.status_code == 302
    assert articles_api.article(article_id)["status"] == "published"


def test_an_author_cannot_change_someone_elses_article(desk, articles_api):
    other = articles_api.create(title="Bài của người khác")
    with extensions.database(desk).session() as db:
        record_owner(db, other["id"], "someone-else")
    author = signed_in(desk, "tac-gia")

    assert author.get(f"/articles/{other['id']}").status_code == 403


def test_a_stale_save_keeps_the_persons_text_and_says_what_changed(desk, articles_api):
    author = signed_in(desk, "tac-gia")
    article_id = new_article(author)
    path = f"/articles/{article_id}"
    stale_etag = etag_of(author.get(path).get_data(as_text=True))
    editor = signed_in(desk, "bien-tap")
    fresh = editor.get(path).get_data(as_text=True)
    editor.post(path, data=form(editor, path, title="Tiêu đề của biên tập", etag=etag_of(fresh)))

    late = author.post(
        path, data=form(author, path, summary="Sa-pô tôi vừa viết lại", etag=stale_etag)
    )

    page = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "Bài đã được lưu bởi người khác" in page
    assert "Sa-pô tôi vừa viết lại" in page  # the person's text, still in the form
    assert "Tiêu đề" in page.split('class="conflict"')[1].split("</section>")[0]
    assert etag_of(page) != stale_etag  # the next save is based on the current version
    assert articles_api.article(article_id)["title"] == "Tiêu đề của biên tập"
    merged = author.post(path, data=form(author, path, etag=etag_of(page), summary="Gộp"))
    assert merged.status_code == 302
    assert articles_api.article(article_id)["summary"] == "Gộp"


def test_autosave_saves_a_draft_and_reports_a_conflict_as_412(desk, articles_api):
    author = signed_in(desk, "tac-gia")
    article_id = new_article(author)
    path = f"/articles/{article_id}"
    page = author.get(path).get_data(as_text=True)
    fields = form(author, path, etag=etag_of(page), summary="Tự động lưu")
    token = fields.pop("csrf_token")

    saved = author.patch(path, json=fields, headers={"X-CSRFToken": token})
    again = author.patch(path, json=fields, headers={"X-CSRFToken": token})  # the old ETag
    without_token = author.patch(path, json=fields)

    assert saved.status_code == 200
    assert articles_api.article(article_id)["summary"] == "Tự động lưu"
    assert again.status_code == 412
    assert again.json["conflict"] is True
    assert without_token.status_code == 400


@pytest.mark.parametrize("where", ["title", "summary", "author", "tags", "body_html"])
def test_a_script_typed_in_the_editor_never_reaches_a_page_as_script(desk, articles_api, where):
    author = signed_in(desk, "tac-gia")
    reply = author.post("/articles", data=form(author, "/articles/new", **{where: f"x {SCRIPT} y"}))
    article_id = int(re.search(r"/articles/(\d+)", reply.headers["Location"]).group(1))
    path = f"/articles/{article_id}"
    page = author.get(path).get_data(as_text=True)
    editor = signed_in(desk, "bien-tap")
    editor.post(path, data=form(editor, path, etag=etag_of(page), title="Sửa"))

    pages = [
        author.get(path).get_data(as_text=True),
        author.get("/articles").get_data(as_text=True),
        author.get(f"{path}/revisions").get_data(as_text=True),
        author.get(f"{path}/diff?a=1&b=2").get_data(as_text=True),
        editor.get("/").get_data(as_text=True),
    ]
    for text in pages:
        assert "<script>alert" not in text
        assert "onerror=" not in text.replace("&#34;", "")


def test_the_revisions_show_the_versions_and_an_editor_restores_one(desk, articles_api):
    author = signed_in(desk, "tac-gia")
    article_id = new_article(author)
    path = f"/articles/{article_id}"
    editor = signed_in(desk, "bien-tap")
    page = editor.get(path).get_data(as_text=True)
    editor.post(path, data=form(editor, path, title="Tiêu đề thứ hai", etag=etag_of(page)))

    listing = editor.get(f"{path}/revisions").get_data(as_text=True)
    diff = editor.get(f"{path}/diff?a=1&b=2").get_data(as_text=True)
    refused = author.post(
        f"{path}/revisions/1/restore", data={"csrf_token": csrf_token(author, path)}
    )

    assert 'data-version="1"' in listing and 'data-version="2"' in listing
    assert "Tiêu đề thứ hai" in html.unescape(diff).replace("\xa0", " ")
    assert "diff_add" in diff
    assert refused.status_code == 403
    assert articles_api.article(article_id)["version"] == 2


def test_the_editors_buttons_belong_to_its_form(desk, articles_api):
    """A form nested in the editor's form would end it early and orphan its buttons."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0
            self.deepest = 0
            self.buttons_in_form: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "form":
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)
            if tag == "button" and self.depth and dict(attrs).get("name") == "action":
                self.buttons_in_form.append(dict(attrs)["value"])

        def handle_endtag(self, tag):
            if tag == "form":
                self.depth -= 1

    editor = signed_in(desk, "bien-tap")
    article_id = new_article(editor)
    forms = Forms()
    forms.feed(editor.get(f"/articles/{article_id}").get_data(as_text=True))

    assert forms.deepest == 1
    assert {"save", "submit", "publish", "schedule"} <= set(forms.buttons_in_form)


def test_the_preview_link_is_signed_for_the_web_and_names_the_article(desk, articles_api):
    from urllib.parse import urlsplit

    from portalkit.preview import read_preview

    author = signed_in(desk, "tac-gia")
    article_id = new_article(author)

    reply = author.get(f"/articles/{article_id}/preview")

    assert reply.status_code == 302
    link = urlsplit(reply.headers["Location"])
    assert f"{link.scheme}://{link.netloc}" == desk.config["WEB_URL"]
    token = link.path.removeprefix("/xem-truoc/")
    assert read_preview(token, desk.config["PREVIEW_SECRET"]) == article_id
    assert 'class="preview-link"' in author.get(f"/articles/{article_id}").get_data(as_text=True)
