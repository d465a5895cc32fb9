"""``/v1/media`` answers: bad files refused by content and size, tokens, the library,
edits, deletion, and the alt-text rule for published articles."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import replace

from articles_kit import AUTH, run_python
from media_kit import upload
from werkzeug.serving import make_server

from articles import extensions
from articles.app import create_app
from support.photos import phone_jpeg, plain_jpeg, png_claiming

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def problem_of(answer, status: int) -> dict:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    body = answer.get_json()
    assert body["status"] == status
    return body


def test_an_html_file_named_jpg_is_refused_by_its_content(media_client):
    body = problem_of(upload(media_client, HTML, filename="anh.jpg"), 415)
    assert "JPEG, PNG, WebP or GIF" in body["detail"]


def test_a_png_claiming_too_many_pixels_is_refused_before_decoding(media_client):
    body = problem_of(upload(media_client, png_claiming(30_000, 30_000), filename="a.png"), 422)
    assert "file" in body["errors"]


def test_a_body_over_the_limit_is_refused_with_413(media_client, media_settings):
    too_big = b"\xff\xd8\xff" + bytes(25 * 1024 * 1024)
    problem_of(upload(media_client, too_big), 413)
    assert media_settings.media_max_bytes == 20 * 1024 * 1024


def test_a_body_over_the_limit_is_refused_without_being_read(media_app):
    """The answer comes from the declared length alone, before the body has been sent."""
    server = make_server("127.0.0.1", 0, media_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(
                b"POST /v1/media HTTP/1.1\r\nHost: test\r\n"
                + f"Authorization: {AUTH['Authorization']}\r\n".encode()
                + b"Content-Type: multipart/form-data; boundary=x\r\n"
                + f"Content-Length: {25 * 1024 * 1024}\r\n\r\n".encode()
                + b"--x\r\n"
            )
            head = connection.recv(4096)
    finally:
        server.shutdown()
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"application/problem+json" in head


def test_an_upload_needs_multipart_a_file_and_a_token(media_client):
    problem_of(media_client.post("/v1/media", json={"caption": "x"}, headers=AUTH), 415)
    no_file = media_client.post(
        "/v1/media", data={"caption": "x"}, headers=AUTH, content_type="multipart/form-data"
    )
    missing = problem_of(no_file, 422)
    assert "file" in missing["errors"]
    problem_of(upload(media_client, plain_jpeg(), headers={}), 401)
    problem_of(
        upload(media_client, plain_jpeg(), headers={"Authorization": "Bearer wrong-token"}), 401
    )


def test_the_library_lists_newest_first_and_searches_captions_without_accents(media_client):
    first = upload(media_client, plain_jpeg(seed=1), caption="Lễ hội mùa lúa chín").get_json()
    second = upload(
        media_client, plain_jpeg(seed=2), caption="Đồi chè", credit="Thu Trang"
    ).get_json()
    listed = media_client.get("/v1/media", headers=AUTH).get_json()
    assert [item["id"] for item in listed["items"]] == [second["id"], first["id"]]
    assert listed["total"] == 2 and listed["page"] == 1
    found = media_client.get("/v1/media?q=lua%20chin", headers=AUTH).get_json()
    assert [item["id"] for item in found["items"]] == [first["id"]]
    by_credit = media_client.get("/v1/media?q=trang", headers=AUTH).get_json()
    assert [item["id"] for item in by_credit["items"]] == [second["id"]]
    problem_of(media_client.get("/v1/media"), 401)
    problem_of(media_client.get("/v1/media?per_page=1000", headers=AUTH), 422)
    problem_of(media_client.get("/v1/media/999999", headers=AUTH), 404)


def test_caption_alt_and_credit_can_be_edited(media_client):
    media = upload(media_client, plain_jpeg(), caption="Cũ").get_json()
    edited = media_client.patch(
        f"/v1/media/{media['id']}",
        json={"caption": "Mới", "alt": "Người dân thu hoạch chè", "credit": "Ảnh: CTTĐT"},
        headers=AUTH,
    )
    assert edited.status_code == 200
    assert (edited.get_json()["caption"], edited.get_json()["credit"]) == ("Mới", "Ảnh: CTTĐT")
    problem_of(media_client.patch(f"/v1/media/{media['id']}", json={"alt": 5}, headers=AUTH), 422)
    problem_of(media_client.patch(f"/v1/media/{media['id']}", json={"alt": "x"}), 401)


def article_with(client, media_id: int, status: str = "published", **image) -> object:
    return client.post(
        "/v1/articles",
        json={
            "title": f"Bài có ảnh {media_id} {status}",
            "category": "kinh-te",
            "status": status,
            "images": [{"media_id": media_id, **image}],
        },
        headers=AUTH,
    )


def test_a_photo_without_alt_text_or_caption_blocks_publishing(media_client, categories):
    bare = upload(media_client, phone_jpeg()).get_json()
    refused = problem_of(article_with(media_client, bare["id"]), 422)
    assert refused["errors"]["images"] == [
        f"image 1 (photo {bare['id']}) has no alt text and no caption"
    ]
    draft = article_with(media_client, bare["id"], status="draft")
    assert draft.status_code == 201
    article_id = draft.get_json()["id"]
    problem_of(
        media_client.patch(
            f"/v1/articles/{article_id}", json={"status": "published"}, headers=AUTH
        ),
        422,
    )
    assert article_with(media_client, bare["id"], caption="Chú thích của bài").status_code == 201
    media_client.patch(f"/v1/media/{bare['id']}", json={"alt": "Ruộng bậc thang"}, headers=AUTH)
    published = media_client.patch(
        f"/v1/articles/{article_id}", json={"status": "published"}, headers=AUTH
    )
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["images"][0]["alt"] == "Ruộng bậc thang"


def test_a_photo_in_the_body_needs_alt_text_too(media_client, categories):
    bare = upload(media_client, plain_jpeg()).get_json()
    body = {"title": "Ảnh trong bài", "category": "kinh-te", "status": "published"}
    refused = media_client.post(
        "/v1/articles",
        json={**body, "body_html": f'<p>a</p><img data-media-id="{bare["id"]}">'},
        headers=AUTH,
    )
    assert problem_of(refused, 422)["errors"]["body_html"] == [
        f"the photo {bare['id']} in the body has no alt text and no caption"
    ]
    accepted = media_client.post(
        "/v1/articles",
        json={**body, "body_html": f'<img data-media-id="{bare["id"]}" alt="Cầu treo">'},
        headers=AUTH,
    )
    assert accepted.status_code == 201


def test_an_unknown_photo_is_refused(media_client, categories):
    body = problem_of(article_with(media_client, 987654, caption="x"), 422)
    assert body["errors"]["images"] == ["no photo has the id 987654"]
    both = media_client.post(
        "/v1/articles",
        json={"title": "x", "category": "kinh-te", "images": [{"url": "/a.png", "media_id": 1}]},
        headers=AUTH,
    )
    problem_of(both, 422)


def test_a_photo_a_published_article_shows_cannot_be_deleted(media_client, categories):
    media = upload(media_client, plain_jpeg(), caption="Đang dùng").get_json()
    article = article_with(media_client, media["id"]).get_json()
    conflict = problem_of(media_client.delete(f"/v1/media/{media['id']}", headers=AUTH), 409)
    assert str(article["id"]) in conflict["detail"]
    media_client.patch(f"/v1/articles/{article['id']}", json={"status": "draft"}, headers=AUTH)
    assert media_client.delete(f"/v1/media/{media['id']}", headers=AUTH).status_code == 204
    problem_of(media_client.get(f"/v1/media/{media['id']}", headers=AUTH), 404)
    draft = media_client.get(f"/v1/articles/{article['id']}", headers=AUTH).get_json()
    assert draft["images"] == []
    problem_of(media_client.delete(f"/v1/media/{media['id']}", headers=AUTH), 404)


CELERY_ON_DEMAND = """
import json, sys
from articles.app import create_app
from articles.media.services import job_queue, media_tasks

app = create_app()
served = app.test_client().get("/v1/articles").status_code
before = [name for name in ("celery", "kombu", "amqp") if name in sys.modules]
with app.app_context():
    tasks = media_tasks()
    queue = job_queue()
    print(json.dumps({
        "served": served,
        "before": before,
        "after": "celery" in sys.modules,
        "bound": tasks.render_media.app is queue and queue is job_queue(app),
        "broker": queue.conf.broker_url,
        "queue": queue.conf.task_default_queue,
    }))
"""


def test_the_api_loads_celery_only_when_it_first_queues_a_job(db, process_env, settings):
    # Celery is about 6 MB and 150 modules in each API worker that never queues a job;
    # kombu (its transport, with py-amqp) 22 modules more.
    done = run_python(process_env, "-c", CELERY_ON_DEMAND)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen == {
        "served": 200,
        "before": [],
        "after": True,
        "bound": True,
        "broker": settings.redis_url,
        "queue": "media",
    }


def test_an_upload_the_job_queue_cannot_take_is_refused_with_503_and_not_kept(
    media_settings, media_client, db
):
    """The broker out of reach: the upload answers 503 and leaves no record behind."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once it is closed
    app = create_app(replace(media_settings, redis_url=f"redis://127.0.0.1:{closed}/7"))
    app.config["TESTING"] = True
    try:
        answer = upload(app.test_client(), plain_jpeg(seed=41), caption="Hàng đợi vắng")
        body = problem_of(answer, 503)
    finally:
        extensions.database(app).dispose()
    assert "Retry-After" in answer.headers
    assert body["title"]
    library = media_client.get("/v1/media", query_string={"q": "Hàng đợi vắng"}, headers=AUTH)
    assert library.status_code == 200
    assert library.get_json()["items"] == []
