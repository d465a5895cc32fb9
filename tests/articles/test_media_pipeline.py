"""Photos end to end: upload through the API, renditions by a real articles-worker, files
in a directory or in a real S3-compatible server (every test runs on both, and on SQLite
and PostgreSQL)."""

from __future__ import annotations

import json

from articles_kit import AUTH, outbox_rows
from media_kit import upload, wait_done

from articles.media.services import media_services
from support.photos import BLUE, RED, colour_at, exif_of, near, phone_jpeg, plain_jpeg


def stored(app) -> list[str]:
    """Every key in the media storage."""
    with app.app_context():
        storage = media_services().storage
        return storage.keys("public/") + storage.keys("originals/")


def test_a_phone_photo_becomes_upright_renditions_without_metadata(
    media_client, media_app, media_worker
):
    answer = upload(media_client, phone_jpeg(800, 600), caption="Đồi chè Suối Giàng")
    assert answer.status_code == 202, answer.get_json()
    created = answer.get_json()
    assert created["status"] == "processing"
    assert answer.headers["Location"].endswith(f"/v1/media/{created['id']}")
    assert created["original"] == {
        "width": 800,
        "height": 600,
        "bytes": created["original"]["bytes"],
        "type": "image/jpeg",
    }

    media = wait_done(media_client, created["id"])

    assert media["status"] == "ready", media
    assert sorted((r["width"], r["format"]) for r in media["renditions"]) == [
        (320, "jpeg"),
        (320, "webp"),
        (640, "jpeg"),
        (640, "webp"),
    ]  # fmt: skip  (800 wide: never upscaled to 1024 or 1600)
    jpeg_640 = next(r for r in media["renditions"] if (r["width"], r["format"]) == (640, "jpeg"))
    assert jpeg_640["height"] == 480
    served = media_client.get(jpeg_640["url"])
    assert served.status_code == 200
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.mimetype == "image/jpeg"
    assert len(served.data) == jpeg_640["bytes"]
    assert near(colour_at(served.data, 0.5, 0.1), RED) and near(
        colour_at(served.data, 0.5, 0.9), BLUE
    )
    assert exif_of(served.data) == {}
    for rendition in media["renditions"]:
        data = media_client.get(rendition["url"]).data
        assert exif_of(data) == {}, rendition["url"]
        assert near(colour_at(data, 0.5, 0.1), RED), rendition["url"]


def test_the_same_photo_uploaded_twice_makes_no_new_files(media_client, media_app, media_worker):
    photo = plain_jpeg(1700, 1000, seed=3)
    first = wait_done(media_client, upload(media_client, photo).get_json()["id"])
    files = stored(media_app)
    second = wait_done(
        media_client, upload(media_client, photo, caption="Lần hai").get_json()["id"]
    )
    assert first["status"] == second["status"] == "ready"
    assert second["id"] != first["id"] and second["sha256"] == first["sha256"]
    assert [r["url"] for r in second["renditions"]] == [r["url"] for r in first["renditions"]]
    assert stored(media_app) == files
    mine = [k for k in files if first["sha256"] in k]
    assert len(mine) == 9  # the original, and 4 widths x 2 formats


def test_a_truncated_jpeg_fails_with_a_reason_and_the_worker_goes_on(
    media_client, media_worker, db
):
    whole = plain_jpeg(1200, 900, seed=5)
    broken = upload(media_client, whole[: len(whole) // 2])
    assert broken.status_code == 202
    failed = wait_done(media_client, broken.get_json()["id"])
    assert failed["status"] == "failed"
    assert "decod" in failed["reason"] or "truncated" in failed["reason"]
    assert failed["renditions"] == []
    fine = wait_done(
        media_client, upload(media_client, plain_jpeg(700, 500, seed=6)).get_json()["id"]
    )
    assert fine["status"] == "ready"
    assert media_worker.alive()
    events = [
        (row["event_type"], json.loads(json.loads(row["fields"])["data"])["media_id"])
        for row in outbox_rows(db)
    ]
    assert ("media.failed", failed["id"]) in events
    assert ("media.ready", fine["id"]) in events


def test_an_article_shows_a_photo_with_its_caption_and_renditions(
    media_client, media_worker, categories
):
    media = wait_done(
        media_client,
        upload(
            media_client, plain_jpeg(1100, 700, seed=7), caption="Hồ Thác Bà", alt="Mặt hồ"
        ).get_json()["id"],
    )
    body = {
        "title": "Du lịch hồ Thác Bà",
        "category": "kinh-te",
        "status": "published",
        "images": [{"media_id": media["id"]}],
        "body_html": f'<p>Mở đầu.</p><img data-media-id="{media["id"]}" alt="Thuyền">',
    }
    created = media_client.post("/v1/articles", json=body, headers=AUTH)
    assert created.status_code == 201, created.get_json()
    article = media_client.get(f"/v1/articles/{created.get_json()['id']}").get_json()
    image = article["images"][0]
    assert image["caption"] == "Hồ Thác Bà" and image["alt"] == "Mặt hồ"
    assert (image["width"], image["height"]) == (1100, 700)
    assert image["url"].endswith("-1024.jpg")
    assert {r["width"] for r in image["renditions"]} == {320, 640, 1024}
    assert f'data-media-id="{media["id"]}"' in article["body_html"]
    assert [m["id"] for m in article["media"]] == [media["id"]]

    edited = media_client.patch(
        f"/v1/media/{media['id']}", json={"caption": "Hồ Thác Bà mùa thu"}, headers=AUTH
    )
    assert edited.status_code == 200
    again = media_client.get(f"/v1/articles/{article['id']}").get_json()
    assert again["images"][0]["caption"] == "Hồ Thác Bà mùa thu"
    assert again["version"] == article["version"]
