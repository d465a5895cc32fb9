"""``/v1/categories``: the tree, one category, creation."""

from __future__ import annotations

from articles_kit import AUTH


def test_tree_nests_children_under_their_parents(client, categories):
    tree = client.get("/v1/categories").get_json()["items"]
    assert [node["slug"] for node in tree] == ["tin-trong-tinh", "tin-trong-nuoc", "thong-bao"]
    province = tree[0]
    assert [child["slug"] for child in province["children"]] == [
        "chinh-tri",
        "kinh-te",
        "an-ninh-quoc-phong",
    ]
    assert province["children"][2]["parent"] == "tin-trong-tinh"
    assert province["children"][2]["breadcrumb"] == [
        {"slug": "tin-trong-tinh", "name": "Tin trong tỉnh"},
        {"slug": "an-ninh-quoc-phong", "name": "An ninh - Quốc phòng"},
    ]


def test_one_category_has_breadcrumb_and_children(client, categories):
    response = client.get("/v1/categories/an-ninh-quoc-phong")
    assert response.status_code == 200
    category = response.get_json()
    assert category["name"] == "An ninh - Quốc phòng"
    assert [crumb["name"] for crumb in category["breadcrumb"]] == [
        "Tin trong tỉnh",
        "An ninh - Quốc phòng",
    ]
    assert category["children"] == []
    root = client.get("/v1/categories/tin-trong-tinh").get_json()
    assert len(root["children"]) == 3
    assert client.get("/v1/categories/khong-co").status_code == 404


def test_create_derives_the_slug_and_links_the_parent(client, categories):
    response = client.post(
        "/v1/categories",
        json={"name": "Văn hóa - Xã hội", "name_en": "Culture", "parent": "tin-trong-tinh"},
        headers=AUTH,
    )
    assert response.status_code == 201
    category = response.get_json()
    assert category["slug"] == "van-hoa-xa-hoi"
    assert response.headers["Location"] == "/v1/categories/van-hoa-xa-hoi"
    assert category["breadcrumb"][0]["slug"] == "tin-trong-tinh"


def test_create_refuses_a_taken_slug_an_unknown_parent_and_bad_fields(client, categories):
    taken = client.post("/v1/categories", json={"name": "Kinh tế"}, headers=AUTH)
    assert taken.status_code == 409
    orphan = client.post("/v1/categories", json={"name": "Con", "parent": "khong-co"}, headers=AUTH)
    assert orphan.status_code == 422
    assert "parent" in orphan.get_json()["errors"]
    blank = client.post("/v1/categories", json={"name": ""}, headers=AUTH)
    assert blank.status_code == 422


def test_a_name_with_nothing_to_make_a_slug_of_gets_a_numbered_fallback(client, categories):
    first = client.post("/v1/categories", json={"name": "!!!"}, headers=AUTH)
    second = client.post("/v1/categories", json={"name": "???"}, headers=AUTH)
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.get_json()["slug"], second.get_json()["slug"]) == ("danh-muc", "danh-muc-2")


def test_patch_renames_re_slugs_and_reorders(client, categories):
    response = client.patch(
        "/v1/categories/kinh-te",
        json={"name": "Kinh tế - Xã hội", "name_en": "Economy", "slug": "kinh-te-xa-hoi"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert (changed["slug"], changed["name"], changed["name_en"]) == (
        "kinh-te-xa-hoi",
        "Kinh tế - Xã hội",
        "Economy",
    )
    assert changed["breadcrumb"][-1] == {"slug": "kinh-te-xa-hoi", "name": "Kinh tế - Xã hội"}
    assert client.get("/v1/categories/kinh-te-xa-hoi").get_json()["name"] == "Kinh tế - Xã hội"
    client.patch("/v1/categories/chinh-tri", json={"position": 99}, headers=AUTH)
    province = client.get("/v1/categories/tin-trong-tinh").get_json()
    assert [child["slug"] for child in province["children"]][-1] == "chinh-tri"


def test_patch_moves_a_category_and_to_the_top(client, categories):
    moved = client.patch(
        "/v1/categories/an-ninh-quoc-phong", json={"parent": "thong-bao"}, headers=AUTH
    )
    assert moved.status_code == 200
    assert [c["slug"] for c in moved.get_json()["breadcrumb"]] == [
        "thong-bao",
        "an-ninh-quoc-phong",
    ]
    top = client.patch("/v1/categories/an-ninh-quoc-phong", json={"parent": None}, headers=AUTH)
    assert top.get_json()["parent"] is None
    roots = [node["slug"] for node in client.get("/v1/categories").get_json()["items"]]
    assert "an-ninh-quoc-phong" in roots


def test_patch_refuses_cycles_taken_slugs_unknown_parents_and_no_token(client, categories):
    def patch(slug, body, headers=AUTH):
        return client.patch(f"/v1/categories/{slug}", json=body, headers=headers)

    under_child = patch("tin-trong-tinh", {"parent": "kinh-te"})
    assert under_child.status_code == 422
    assert "parent" in under_child.get_json()["errors"]
    assert patch("kinh-te", {"parent": "kinh-te"}).status_code == 422
    assert patch("kinh-te", {"parent": "khong-co"}).status_code == 422
    assert patch("kinh-te", {"slug": "chinh-tri"}).status_code == 409
    assert patch("kinh-te", {"name": ""}).status_code == 422
    assert patch("khong-co", {"name": "X"}).status_code == 404
    assert patch("kinh-te", {"name": "X"}, headers={}).status_code == 401
    assert client.get("/v1/categories/kinh-te").get_json()["name"] == "Kinh tế"
