"""``python -m articles.manage``: migrations, sample content, and the photos it uploads."""

from __future__ import annotations

import subprocess

from articles_kit import AUTH, outbox_rows, run_python
from sqlalchemy import text

from articles.media.samples import SAMPLES, api_uploader
from articles.seed import sample_content, seed

ARTICLES = sample_content()["articles"]


def manage(process_env, *args: str) -> subprocess.CompletedProcess:
    return run_python(process_env, "-m", "articles.manage", *args)


def test_upgrade_is_idempotent_and_seed_if_empty_runs_once(db, process_env):
    upgraded = manage(process_env, "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    first = manage(process_env, "seed", "--if-empty")
    assert first.returncode == 0, first.stderr + first.stdout
    assert f"{len(ARTICLES)} articles added" in first.stdout
    second = manage(process_env, "seed", "--if-empty")
    assert second.returncode == 0
    assert "0 articles added" in second.stdout
    with db.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
    assert count == len(ARTICLES)
    with db.engine.connect() as connection:
        photos = connection.execute(text("SELECT count(*) FROM media")).scalar_one()
    assert photos == len(SAMPLES)


def test_seeded_content_is_served_with_events_for_published_samples(media_client, media_app, db):
    client = media_client
    assert seed(db, api_uploader(media_app)) == len(ARTICLES) >= 20
    listing = client.get("/v1/articles?per_page=100").get_json()
    published = [a for a in ARTICLES if a.get("status", "published") == "published"]
    assert listing["total"] == len(published)
    events = outbox_rows(db)
    assert [row["event_type"] for row in events] == ["article.published"] * len(published)
    assert all(item["source"] for item in listing["items"])
    assert sum(item["source"] == "CTTĐT" for item in listing["items"]) >= 12
    assert all(item["author"] for item in listing["items"])
    tree = client.get("/v1/categories").get_json()["items"]
    province = next(node for node in tree if node["slug"] == "tin-trong-tinh")
    assert [child["name"] for child in province["children"]] == [
        "Chính trị",
        "Kinh tế",
        "Văn hóa - Xã hội",
        "An ninh - Quốc phòng",
    ]
    assert client.get("/v1/articles?q=an ninh trat tu").get_json()["total"] >= 1
    with_images = [item for item in listing["items"] if item["images"]]
    assert len(with_images) >= 3
    for item in with_images:
        photo = client.get(f"/v1/media/{item['images'][0]['media_id']}", headers=AUTH).get_json()
        assert photo["original"]["type"] == "image/jpeg"
        assert photo["original"]["width"] == 1800
        assert photo["caption"] and photo["alt"] and photo["credit"]


def test_media_refuses_unknown_and_unsafe_names(client):
    for name in ("khong-co.svg", "..%2Fapp.py", "x.png", "%00.svg"):
        response = client.get(f"/media/{name}")
        assert response.status_code == 404, name
        assert response.mimetype == "application/problem+json"


def test_seed_uploads_the_photos_with_a_token_that_may(db, process_env):
    tokens = f"web:web-preview-token:drafts.read,editor:{process_env['API_TOKENS'].split(':')[1]}"
    env = {**process_env, "API_TOKENS": tokens}
    assert manage(env, "upgrade").returncode == 0
    seeded = manage(env, "seed", "--if-empty")
    assert seeded.returncode == 0, seeded.stderr + seeded.stdout
    with db.engine.connect() as connection:
        photos = connection.execute(text("SELECT count(*) FROM media")).scalar_one()
    assert photos == len(SAMPLES)
