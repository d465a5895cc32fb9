"""Helpers the photo tests of the articles suite share: upload, wait for the worker."""

from __future__ import annotations

import io
import sys
import uuid

from articles_kit import AUTH, TOKEN

from articles.settings import Settings
from support.servers import Process, wait_until

S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "portal-test",
    "AWS_SECRET_ACCESS_KEY": "portal-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def upload(client, data: bytes, filename: str = "anh.jpg", headers=None, **fields):
    """POST /v1/media as the newsroom would: multipart with the file and its words."""
    return client.post(
        "/v1/media",
        data={"file": (io.BytesIO(data), filename), **fields},
        headers=AUTH if headers is None else headers,
        content_type="multipart/form-data",
    )


def wait_done(client, media_id: int, timeout: float = 60.0) -> dict:
    """The media record once it is no longer ``processing``."""

    def finished():
        body = client.get(f"/v1/media/{media_id}", headers=AUTH).get_json()
        return body if body["status"] != "processing" else None

    return wait_until(finished, timeout=timeout, interval=0.1)


def media_env(settings: Settings) -> dict[str, str]:
    """The environment of a worker (or API) process on the media test settings."""
    env = {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "API_TOKENS": f"editor:{TOKEN}",
        "MEDIA_STORAGE": settings.media_storage,
        "MEDIA_JOB_TIMEOUT_S": str(settings.media_job_timeout_s),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **S3_CREDENTIALS,
    }
    if settings.s3_endpoint_url:
        env["S3_ENDPOINT_URL"] = settings.s3_endpoint_url
    return env


def start_worker(settings: Settings, name: str = "articles-worker") -> Process:
    """``articles-worker`` as the Procfile runs it, once it is consuming."""
    worker = Process(
        [sys.executable, "-m", "celery", "-A", "articles.make_celery", "worker",
         "--loglevel", "INFO", "--concurrency", "1", "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h"],
        env=media_env(settings),
        name=name,
    ).start()  # fmt: skip
    wait_until(lambda: " ready." in worker.output() or not worker.alive(), timeout=90)
    assert worker.alive(), worker.output()
    return worker
