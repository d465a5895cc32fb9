"""``/v1/tags`` with counts, ``/v1/articles/<id>/related``, and conditional list reads."""

from __future__ import annotations

from articles_kit import AUTH


def test_tags_count_published_articles_and_ignore_accents(client, make_article):
    make_article(title="Một", tags=["An ninh", "Đặc sản"])
    make_article(title="Hai", tags=["an nính"])
    make_article(title="Ba", tags=["ĐẶC SẢN", "An ninh"])
    make_article(title="Nháp", tags=["An ninh", "Bí mật"], status="draft")

    items = client.get("/v1/tags").get_json()["items"]

    assert [(t["slug"], t["count"]) for t in items] == [("an-ninh", 3), ("dac-san", 2)]
    assert all(t["name"] for t in items)
    assert client.get("/v1/tags?limit=1").get_json()["items"][0]["slug"] == "an-ninh"
    assert client.get("/v1/tags?limit=0").status_code == 422


def test_related_articles_share_tags_or_the_category_most_shared_first(client, make_article):
    this = make_article(title="Bưởi Đại Minh", category="kinh-te", tags=["Đặc sản", "Văn Yên"])
    two_tags = make_article(title="Quế Văn Yên", category="chinh-tri", tags=["dac san", "van yen"])
    one_tag = make_article(title="Chè Shan tuyết", category="thong-bao", tags=["đặc sản"])
    same_category = make_article(title="Giá lúa", category="kinh-te")
    make_article(title="Không liên quan", category="thong-bao", tags=["Thể thao"])
    make_article(title="Nháp", category="kinh-te", tags=["Đặc sản"], status="draft")

    related = client.get(f"/v1/articles/{this['id']}/related").get_json()["items"]

    assert [a["id"] for a in related] == [two_tags["id"], one_tag["id"], same_category["id"]]
    assert "body_html" not in related[0]
    assert len(client.get(f"/v1/articles/{this['id']}/related?limit=1").get_json()["items"]) == 1


def test_related_of_an_unknown_or_unpublished_article_is_a_404(client, make_article):
    draft = make_article(title="Nháp", status="draft")

    assert client.get("/v1/articles/987654/related").status_code == 404
    assert client.get(f"/v1/articles/{draft['id']}/related").status_code == 404
    assert client.get(f"/v1/articles/{draft['id']}/related", headers=AUTH).status_code == 200


def test_an_unchanged_list_is_a_304_until_an_article_is_published(client, make_article):
    make_article(title="Tin một")
    first = client.get("/v1/articles?per_page=5")

    same = client.get("/v1/articles?per_page=5", headers={"If-None-Match": first.headers["ETag"]})
    make_article(title="Tin hai")
    changed = client.get(
        "/v1/articles?per_page=5", headers={"If-None-Match": first.headers["ETag"]}
    )

    assert first.status_code == 200 and first.headers["ETag"]
    assert same.status_code == 304 and same.data == b""
    assert same.headers["X-Total-Count"] == "1"
    assert changed.status_code == 200
    assert changed.get_json()["total"] == 2


def test_tags_and_related_answers_are_conditional_too(client, make_article):
    this = make_article(title="Một", tags=["An ninh"])
    make_article(title="Hai", tags=["An ninh"])

    for path in ("/v1/tags", f"/v1/articles/{this['id']}/related", "/v1/categories"):
        first = client.get(path)
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path
