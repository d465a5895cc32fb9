"""ETag and If-None-Match (304) on reads; If-Match (412) on edits."""

from __future__ import annotations

from articles_kit import AUTH


def test_reads_carry_an_etag_and_answer_304_when_unchanged(client, make_article):
    article = make_article()
    first = client.get(f"/v1/articles/{article['id']}")
    tag = first.headers["ETag"]
    again = client.get(f"/v1/articles/{article['id']}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert again.data == b""
    by_slug = client.get(f"/v1/articles/by-slug/{article['slug']}", headers={"If-None-Match": tag})
    assert by_slug.status_code == 304
    weak = client.get(f"/v1/articles/{article['id']}", headers={"If-None-Match": f"W/{tag}"})
    assert weak.status_code == 304
    star = client.get(f"/v1/articles/{article['id']}", headers={"If-None-Match": "*"})
    assert star.status_code == 304


def test_an_edit_changes_the_etag_so_old_tags_get_the_new_body(client, make_article):
    article = make_article()
    tag = client.get(f"/v1/articles/{article['id']}").headers["ETag"]
    client.patch(f"/v1/articles/{article['id']}", json={"title": "Mới hơn"}, headers=AUTH)
    response = client.get(f"/v1/articles/{article['id']}", headers={"If-None-Match": tag})
    assert response.status_code == 200
    assert response.get_json()["title"] == "Mới hơn"
    assert response.headers["ETag"] != tag


def test_patch_with_the_current_etag_succeeds(client, make_article):
    article = make_article()
    tag = client.get(f"/v1/articles/{article['id']}").headers["ETag"]
    response = client.patch(
        f"/v1/articles/{article['id']}",
        json={"summary": "Sửa"},
        headers={**AUTH, "If-Match": tag},
    )
    assert response.status_code == 200
    assert response.get_json()["version"] == 2


def test_patch_with_a_stale_etag_is_412_and_changes_nothing(client, make_article):
    article = make_article()
    stale = client.get(f"/v1/articles/{article['id']}").headers["ETag"]
    client.patch(f"/v1/articles/{article['id']}", json={"summary": "Người khác sửa"}, headers=AUTH)
    response = client.patch(
        f"/v1/articles/{article['id']}",
        json={"summary": "Ghi đè"},
        headers={**AUTH, "If-Match": stale},
    )
    assert response.status_code == 412
    assert response.mimetype == "application/problem+json"
    current = client.get(f"/v1/articles/{article['id']}").get_json()
    assert current["summary"] == "Người khác sửa"
    assert current["version"] == 2


def test_if_match_with_a_foreign_or_garbled_tag_is_412(client, make_article):
    article = make_article()
    for value in ('"999-1"', "garbage", 'W/"1-1"'):
        response = client.patch(
            f"/v1/articles/{article['id']}",
            json={"summary": "x"},
            headers={**AUTH, "If-Match": value},
        )
        assert response.status_code == 412, value
    star = client.patch(
        f"/v1/articles/{article['id']}", json={"summary": "x"}, headers={**AUTH, "If-Match": "*"}
    )
    assert star.status_code == 200


def test_delete_honours_if_match(client, make_article):
    article = make_article()
    stale = client.get(f"/v1/articles/{article['id']}").headers["ETag"]
    client.patch(f"/v1/articles/{article['id']}", json={"summary": "Sửa"}, headers=AUTH)
    refused = client.delete(f"/v1/articles/{article['id']}", headers={**AUTH, "If-Match": stale})
    assert refused.status_code == 412
    current = client.get(f"/v1/articles/{article['id']}").headers["ETag"]
    deleted = client.delete(f"/v1/articles/{article['id']}", headers={**AUTH, "If-Match": current})
    assert deleted.status_code == 204


def test_article_answers_vary_by_authorization(client, make_article):
    article = make_article()
    for url in (f"/v1/articles/{article['id']}", "/v1/articles"):
        assert "Authorization" in client.get(url).headers["Vary"]
