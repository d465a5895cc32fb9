"""The articles-worker SIGKILLed while it makes a 12-megapixel photo's renditions: once a
worker runs again the job is redone (late acknowledgement), the photo becomes ready,
and every file exists once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from articles_kit import AUTH
from media_kit import start_worker, upload, wait_done

from articles.media.services import media_services
from support.photos import camera_jpeg
from support.servers import wait_until

JOB_TIMEOUT_S = 15  # the visibility timeout follows: a killed job is offered again after ~20 s


@pytest.mark.slow
def test_a_photo_whose_worker_was_killed_is_made_after_a_restart_without_duplicates(
    media_client, media_app, media_settings, db
):
    settings = replace(media_settings, media_job_timeout_s=JOB_TIMEOUT_S)
    doomed = start_worker(settings, name="doomed")
    try:
        created = upload(media_client, camera_jpeg(), caption="Ảnh 12 megapixel").get_json()
        wait_until(
            lambda: (
                f'"media_id": {created["id"]}' in doomed.output()
                and "making renditions" in doomed.output()
            ),
            timeout=60,
            interval=0.02,
        )
    finally:
        doomed.kill()  # SIGKILL to the whole process group: the pool's child too
    left = media_client.get(f"/v1/media/{created['id']}", headers=AUTH).get_json()
    assert left["status"] == "processing"

    restarted = start_worker(settings, name="restarted")
    try:
        media = wait_done(media_client, created["id"], timeout=120)
    finally:
        restarted.stop(timeout=30)
    assert media["status"] == "ready", media
    assert sorted((r["width"], r["format"]) for r in media["renditions"]) == sorted(
        (w, f) for w in (320, 640, 1024, 1600) for f in ("jpeg", "webp")
    )
    with media_app.app_context():
        storage = media_services().storage
        mine = [
            k for k in storage.keys("public/") + storage.keys("originals/") if media["sha256"] in k
        ]
    assert len(mine) == len(set(mine)) == 9, mine  # the original and eight renditions, once each
