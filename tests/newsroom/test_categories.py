"""Categories: editors create, rename and move them; authors may not."""

from __future__ import annotations

import uuid

import requests
from newsroom_kit import csrf_token, login


def signed_in(desk, username):
    client = desk.test_client()
    login(client, username)
    return client


def tree(articles_api) -> dict[str, dict]:
    nodes = {}

    def walk(items, parent=None):
        for item in items:
            nodes[item["slug"]] = {**item, "parent_slug": parent}
            walk(item.get("children") or [], item["slug"])

    walk(requests.get(articles_api.url + "/v1/categories", timeout=10).json()["items"])
    return nodes


def test_an_editor_creates_a_category_under_a_parent(desk, articles_api):
    editor = signed_in(desk, "bien-tap")
    token = csrf_token(editor, "/categories")
    slug = f"van-hoa-{uuid.uuid4().hex[:8]}"  # the articles service lives for the session

    made = editor.post(
        "/categories",
        data={"csrf_token": token, "name": "Văn hóa", "slug": slug, "parent": "kinh-te"},
    )

    assert made.status_code == 302
    node = tree(articles_api)[slug]
    assert (node["name"], node["parent_slug"]) == ("Văn hóa", "kinh-te")
    page = editor.get("/categories").get_data(as_text=True)
    assert f'data-slug="{slug}"' in page


def test_authors_may_not_open_or_change_categories(desk, articles_api):
    author = signed_in(desk, "tac-gia")
    token = csrf_token(author, "/")

    assert author.get("/categories").status_code == 403
    refused = author.post("/categories", data={"csrf_token": token, "name": "Lén lút"})
    assert refused.status_code == 403
    assert not any(n["name"] == "Lén lút" for n in tree(articles_api).values())


def test_an_editor_renames_and_moves_a_category(desk, articles_api):
    editor = signed_in(desk, "bien-tap")
    token = csrf_token(editor, "/categories")
    slug = f"the-thao-{uuid.uuid4().hex[:8]}"
    editor.post("/categories", data={"csrf_token": token, "name": "Thể thao", "slug": slug})

    renamed = editor.post(f"/categories/{slug}", data={"csrf_token": token, "name": "Thể dục"})
    moved = editor.post(f"/categories/{slug}", data={"csrf_token": token, "parent": "kinh-te"})

    assert (renamed.status_code, moved.status_code) == (302, 302)
    node = tree(articles_api)[slug]
    assert (node["name"], node["parent_slug"]) == ("Thể dục", "kinh-te")


def test_moving_a_category_under_its_own_child_is_refused(desk, articles_api):
    editor = signed_in(desk, "bien-tap")
    token = csrf_token(editor, "/categories")
    parent, child = (f"{name}-{uuid.uuid4().hex[:8]}" for name in ("cha", "con"))
    editor.post("/categories", data={"csrf_token": token, "name": "Cha", "slug": parent})
    editor.post(
        "/categories", data={"csrf_token": token, "name": "Con", "slug": child, "parent": parent}
    )

    refused = editor.post(f"/categories/{parent}", data={"csrf_token": token, "parent": child})

    assert refused.status_code == 422
    assert tree(articles_api)[parent]["parent_slug"] is None
