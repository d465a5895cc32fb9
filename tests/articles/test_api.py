"""The articles endpoints: every operation and the statuses docs/api.md names."""

from __future__ import annotations

import json

from articles_kit import AUTH, outbox_rows


def test_create_answers_201_with_location_etag_and_read_shape(client, categories):
    response = client.post(
        "/v1/articles",
        json={
            "title": "Yên Bái: Sơ kết công tác xây dựng",
            "category": "an-ninh-quoc-phong",
            "summary": "Tóm tắt",
            "body_html": "<p>Thân bài</p>",
            "author": "Minh Hạnh",
            "source": "CTTĐT",
            "status": "published",
            "images": [{"url": "/media/hoi-truong.svg", "caption": "Quang cảnh"}],
            "tags": ["An ninh", "Quốc phòng"],
        },
        headers=AUTH,
    )
    assert response.status_code == 201
    article = response.get_json()
    assert response.headers["Location"] == f"/v1/articles/{article['id']}"
    assert response.headers["ETag"] == f'"{article["id"]}-1"'
    assert article["slug"] == "yen-bai-so-ket-cong-tac-xay-dung"
    assert article["category"] == {
        "id": article["category"]["id"],
        "slug": "an-ninh-quoc-phong",
        "name": "An ninh - Quốc phòng",
        "name_en": None,
        "breadcrumb": [
            {"slug": "tin-trong-tinh", "name": "Tin trong tỉnh"},
            {"slug": "an-ninh-quoc-phong", "name": "An ninh - Quốc phòng"},
        ],
    }
    assert article["images"] == [
        {
            "url": "/media/hoi-truong.svg",
            "media_id": None,
            "caption": "Quang cảnh",
            "alt": None,
            "position": 0,
        }
    ]
    assert article["tags"] == ["An ninh", "Quốc phòng"]
    assert article["version"] == 1
    assert article["status"] == "published"
    assert article["published_at"].endswith("+00:00")
    assert {"created_at", "updated_at", "body_html", "language", "author", "source"} <= set(article)


def test_writes_need_a_valid_token(client, categories):
    body = {"title": "Tin", "category": "kinh-te"}
    for headers in ({}, {"Authorization": "Bearer wrong-token-here"}):
        response = client.post("/v1/articles", json=body, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.mimetype == "application/problem+json"
    assert client.patch("/v1/articles/1", json={"title": "x"}).status_code == 401
    assert client.delete("/v1/articles/1").status_code == 401
    assert client.get("/v1/articles/1/revisions").status_code == 401
    assert client.post("/v1/categories", json={"name": "Mới"}).status_code == 401


def test_invalid_fields_answer_422_per_field(client, categories):
    response = client.post(
        "/v1/articles",
        json={"title": "", "category": "Not A Slug", "status": "live", "language": "fr"},
        headers=AUTH,
    )
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["status"] == 422
    assert {"title", "category", "status", "language"} <= set(problem["errors"])


def test_unknown_category_and_unscheduled_time_are_422(client, categories):
    unknown = client.post(
        "/v1/articles", json={"title": "Tin", "category": "khong-co"}, headers=AUTH
    )
    assert unknown.status_code == 422
    assert "category" in unknown.get_json()["errors"]
    scheduled = client.post(
        "/v1/articles",
        json={"title": "Tin", "category": "kinh-te", "status": "scheduled"},
        headers=AUTH,
    )
    assert scheduled.status_code == 422
    assert "published_at" in scheduled.get_json()["errors"]


def test_strings_the_database_cannot_hold_are_422(client, categories):
    response = client.post(
        "/v1/articles", json={"title": "Tin\x00", "category": "kinh-te"}, headers=AUTH
    )
    assert response.status_code == 422
    assert "title" in response.get_json()["errors"]


def test_non_json_body_is_415_and_malformed_json_is_400(client, categories):
    response = client.post("/v1/articles", data="title=x", content_type="text/plain", headers=AUTH)
    assert response.status_code == 415
    broken = client.post(
        "/v1/articles", data="{not json", content_type="application/json", headers=AUTH
    )
    assert broken.status_code == 400
    assert broken.mimetype == "application/problem+json"


def test_body_over_one_mebibyte_is_413(client, categories):
    payload = json.dumps({"title": "Tin", "category": "kinh-te", "body_html": "x" * (1 << 20)})
    response = client.post(
        "/v1/articles", data=payload, content_type="application/json", headers=AUTH
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_taken_slug_is_409_and_derived_slugs_get_a_suffix(client, make_article):
    first = make_article(title="Hội nghị tổng kết")
    second = make_article(title="Hội nghị tổng kết")
    third = make_article(title="Hội nghị: tổng kết!")
    assert [first["slug"], second["slug"], third["slug"]] == [
        "hoi-nghi-tong-ket",
        "hoi-nghi-tong-ket-2",
        "hoi-nghi-tong-ket-3",
    ]
    taken = client.post(
        "/v1/articles",
        json={"title": "Khác", "slug": "hoi-nghi-tong-ket", "category": "kinh-te"},
        headers=AUTH,
    )
    assert taken.status_code == 409
    assert taken.mimetype == "application/problem+json"
    patch = client.patch(
        f"/v1/articles/{second['id']}", json={"slug": "hoi-nghi-tong-ket"}, headers=AUTH
    )
    assert patch.status_code == 409


def test_public_reads_see_published_only_token_holders_see_drafts(client, make_article):
    draft = make_article(title="Bản nháp", status="draft")
    published = make_article(title="Đã đăng")
    assert client.get(f"/v1/articles/{draft['id']}").status_code == 404
    assert client.get(f"/v1/articles/by-slug/{draft['slug']}").status_code == 404
    assert client.get(f"/v1/articles/{draft['id']}", headers=AUTH).status_code == 200
    public = client.get("/v1/articles").get_json()
    assert [a["id"] for a in public["items"]] == [published["id"]]
    editorial = client.get("/v1/articles", headers=AUTH).get_json()
    assert {a["id"] for a in editorial["items"]} == {draft["id"], published["id"]}
    drafts = client.get("/v1/articles?status=draft", headers=AUTH).get_json()
    assert [a["id"] for a in drafts["items"]] == [draft["id"]]
    assert client.get("/v1/articles?status=draft").status_code == 401


def test_missing_articles_are_404(client, categories):
    for url in (
        "/v1/articles/999",
        "/v1/articles/99999999999999999999",
        "/v1/articles/by-slug/khong-co-bai-nay",
        "/v1/articles/by-slug/NOT%20A%20SLUG",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
    assert client.patch("/v1/articles/999", json={"title": "x"}, headers=AUTH).status_code == 404
    assert client.delete("/v1/articles/999", headers=AUTH).status_code == 404
    assert client.get("/v1/articles/999/revisions", headers=AUTH).status_code == 404


def test_list_items_carry_what_a_teaser_needs_and_paging(client, make_article):
    for n in range(5):
        make_article(title=f"Tin số {n}", images=[{"url": f"/media/{n}.svg", "caption": "Ảnh"}])
    page = client.get("/v1/articles?per_page=2&page=2").get_json()
    assert page["total"] == 5
    assert page["page"] == 2
    assert page["per_page"] == 2
    assert [a["title"] for a in page["items"]] == ["Tin số 2", "Tin số 1"]
    item = page["items"][0]
    assert {
        "id", "slug", "title", "summary", "category", "published_at", "images", "author",
        "source", "tags", "language", "status", "version",
    } <= set(item)  # fmt: skip
    assert "body_html" not in item
    assert item["category"]["breadcrumb"][0]["slug"] == "tin-trong-tinh"
    assert client.get("/v1/articles?per_page=101").status_code == 422
    assert client.get("/v1/articles?page=0").status_code == 422


def test_newest_first_by_publication_time(client, make_article):
    make_article(title="Cũ", published_at="2025-01-01T08:00:00+07:00")
    make_article(title="Mới", published_at="2025-03-01T08:00:00+07:00")
    make_article(title="Giữa", published_at="2025-02-01T08:00:00+07:00")
    titles = [a["title"] for a in client.get("/v1/articles").get_json()["items"]]
    assert titles == ["Mới", "Giữa", "Cũ"]


def test_category_filter_includes_subcategories(client, make_article):
    security = make_article(title="An ninh", category="an-ninh-quoc-phong")
    economy = make_article(title="Kinh tế", category="kinh-te")
    national = make_article(title="Trong nước", category="tin-trong-nuoc")
    province = client.get("/v1/articles?category=tin-trong-tinh").get_json()
    assert {a["id"] for a in province["items"]} == {security["id"], economy["id"]}
    leaf = client.get("/v1/articles?category=tin-trong-nuoc").get_json()
    assert [a["id"] for a in leaf["items"]] == [national["id"]]
    assert client.get("/v1/articles?category=khong-co").get_json()["total"] == 0


def test_tag_and_language_filters(client, make_article):
    tagged = make_article(title="Du lịch hồ", tags=["Du lịch", "Hồ Thác Bà"])
    make_article(title="Khác", tags=["Kinh tế"])
    english = make_article(title="Tourism in Yen Bai", language="en")
    assert [a["id"] for a in client.get("/v1/articles?tag=du-lich").get_json()["items"]] == [
        tagged["id"]
    ]
    assert [a["id"] for a in client.get("/v1/articles?tag=Du lịch").get_json()["items"]] == [
        tagged["id"]
    ]
    assert [a["id"] for a in client.get("/v1/articles?language=en").get_json()["items"]] == [
        english["id"]
    ]


def test_ids_batch_answers_in_the_given_order_and_hides_drafts(client, make_article):
    a = make_article(title="Một")
    b = make_article(title="Hai")
    draft = make_article(title="Nháp", status="draft")
    batch = client.get(f"/v1/articles?ids={b['id']},{draft['id']},{a['id']},9999").get_json()
    assert [item["id"] for item in batch["items"]] == [b["id"], a["id"]]
    assert batch["total"] == 2
    assert client.get("/v1/articles?ids=1,abc").status_code == 422


def test_patch_keeps_a_revision_and_bumps_the_version(client, make_article):
    article = make_article(title="Tiêu đề cũ")
    response = client.patch(
        f"/v1/articles/{article['id']}",
        json={"title": "Tiêu đề mới", "tags": ["Mới"]},
        headers=AUTH,
    )
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["title"] == "Tiêu đề mới"
    assert updated["version"] == 2
    assert updated["slug"] == article["slug"]
    assert response.headers["ETag"] == f'"{article["id"]}-2"'
    revisions = client.get(f"/v1/articles/{article['id']}/revisions", headers=AUTH).get_json()
    assert revisions["total"] == 1
    assert revisions["items"][0]["version"] == 1
    assert revisions["items"][0]["editor"] == "editor"
    assert revisions["items"][0]["article"]["title"] == "Tiêu đề cũ"


def test_a_patch_that_changes_nothing_makes_no_version(client, make_article):
    article = make_article(title="Không đổi")
    response = client.patch(
        f"/v1/articles/{article['id']}", json={"title": "Không đổi"}, headers=AUTH
    )
    assert response.get_json()["version"] == 1
    assert (
        client.get(f"/v1/articles/{article['id']}/revisions", headers=AUTH).get_json()["total"] == 0
    )


def test_old_slugs_keep_resolving_to_the_current_article(client, make_article):
    article = make_article(title="Tên cũ của bài")
    client.patch(f"/v1/articles/{article['id']}", json={"slug": "ten-moi"}, headers=AUTH)
    client.patch(f"/v1/articles/{article['id']}", json={"slug": "ten-moi-nhat"}, headers=AUTH)
    for slug in ("ten-cu-cua-bai", "ten-moi", "ten-moi-nhat"):
        response = client.get(f"/v1/articles/by-slug/{slug}")
        assert response.status_code == 200
        assert response.get_json()["slug"] == "ten-moi-nhat"
    other = client.post(
        "/v1/articles",
        json={"title": "Khác", "slug": "ten-moi", "category": "kinh-te"},
        headers=AUTH,
    )
    assert other.status_code == 409
    derived = make_article(title="Tên cũ của bài")
    assert derived["slug"] == "ten-cu-cua-bai-2"
    back = client.patch(
        f"/v1/articles/{article['id']}", json={"slug": "ten-cu-cua-bai"}, headers=AUTH
    )
    assert back.status_code == 200
    assert back.get_json()["slug"] == "ten-cu-cua-bai"


def test_delete_answers_204_and_the_article_is_gone(client, make_article, db):
    article = make_article(title="Sẽ xóa")
    response = client.delete(f"/v1/articles/{article['id']}", headers=AUTH)
    assert response.status_code == 204
    assert client.get(f"/v1/articles/{article['id']}", headers=AUTH).status_code == 404
    assert client.get(f"/v1/articles/by-slug/{article['slug']}", headers=AUTH).status_code == 404
    types = [row["event_type"] for row in outbox_rows(db)]
    assert types == ["article.published", "article.deleted"]


def test_each_change_records_its_event_with_the_contract_fields(client, make_article, db):
    article = make_article(title="Sự kiện", category="chinh-tri")
    client.patch(f"/v1/articles/{article['id']}", json={"summary": "Mới"}, headers=AUTH)
    client.patch(f"/v1/articles/{article['id']}", json={"slug": "su-kien-moi"}, headers=AUTH)
    client.patch(f"/v1/articles/{article['id']}", json={"status": "archived"}, headers=AUTH)
    client.patch(f"/v1/articles/{article['id']}", json={"summary": "Lưu trữ"}, headers=AUTH)
    client.patch(f"/v1/articles/{article['id']}", json={"status": "published"}, headers=AUTH)
    client.delete(f"/v1/articles/{article['id']}", headers=AUTH)
    rows = outbox_rows(db)
    assert [row["event_type"] for row in rows] == [
        "article.published",
        "article.updated",
        "article.updated",
        "article.unpublished",
        "article.published",
        "article.deleted",
    ]
    data = json.loads(json.loads(rows[2]["fields"])["data"])
    assert data["article_id"] == article["id"]
    assert data["slug"] == "su-kien-moi"
    assert data["old_slugs"] == ["su-kien"]
    assert data["category"] == "chinh-tri"
    assert data["status"] == "published"
    assert data["version"] == 3
    assert data["published_at"] == article["published_at"]
    unpublished = json.loads(json.loads(rows[3]["fields"])["data"])
    assert unpublished["status"] == "archived"
    assert len({row["event_id"] for row in rows}) == len(rows)


def test_drafts_record_no_event_until_published(client, make_article, db):
    draft = make_article(title="Nháp", status="draft")
    client.patch(f"/v1/articles/{draft['id']}", json={"summary": "Sửa nháp"}, headers=AUTH)
    assert outbox_rows(db) == []
    client.patch(f"/v1/articles/{draft['id']}", json={"status": "published"}, headers=AUTH)
    assert [row["event_type"] for row in outbox_rows(db)] == ["article.published"]


def test_a_time_without_offset_is_vietnam_time(client, make_article):
    article = make_article(title="Giờ Việt Nam", published_at="2023-10-13T13:41:46")
    assert article["published_at"] == "2023-10-13T06:41:46+00:00"


def test_image_urls_must_be_paths_or_http(client, categories):
    response = client.post(
        "/v1/articles",
        json={
            "title": "Ảnh",
            "category": "kinh-te",
            "images": [{"url": "javascript:alert(1)"}],
        },
        headers=AUTH,
    )
    assert response.status_code == 422


def test_concurrent_creates_with_one_title_all_get_distinct_slugs(app, client, categories):
    from concurrent.futures import ThreadPoolExecutor

    def create(_n: int) -> tuple[int, str]:
        response = app.test_client().post(
            "/v1/articles",
            json={"title": "Cùng một tiêu đề", "category": "kinh-te"},
            headers=AUTH,
        )
        return response.status_code, (response.get_json() or {}).get("slug", "")

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(create, range(12)))
    assert [status for status, _ in results] == [201] * 12
    slugs = {slug for _, slug in results}
    assert len(slugs) == 12
    assert "cung-mot-tieu-de" in slugs
