"""Fixtures for backups: fresh PostgreSQL databases, a second Redis, an S3 server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import boto3
import pytest
from sqlalchemy import create_engine, text

from articles.db import normalize_url
from support.databases import postgres_url_or_skip
from support.servers import RedisServer, free_port, python_process, wait_http

S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "backup-test",
    "AWS_SECRET_ACCESS_KEY": "backup-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture
def fresh_database() -> Iterator:
    """A factory of empty databases on the test server, dropped at the end."""
    server = postgres_url_or_skip()
    admin = create_engine(normalize_url(server), isolation_level="AUTOCOMMIT")
    made = []

    def make() -> str:
        name = f"backup_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return urlsplit(server)._replace(path=f"/{name}").geturl()

    yield make
    with admin.connect() as connection:
        for name in made:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_redis() -> Iterator[RedisServer]:
    """A second redis-server, empty, for the restore."""
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode)."""
    port = free_port()
    server = python_process(
        ["-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], name="moto", env=S3_CREDENTIALS
    ).start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/", timeout=60)
        yield url
    finally:
        server.stop()


@pytest.fixture(params=["folder", "bucket"])
def target(request, tmp_path) -> dict[str, str]:
    """The environment naming where backups go: a folder, or a bucket of the S3 server."""
    if request.param == "folder":
        return {"BACKUP_TARGET": (tmp_path / "backups").as_uri()}
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"backups-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=endpoint, **_boto_credentials())
    client.create_bucket(Bucket=bucket)
    return {
        "BACKUP_TARGET": f"s3://{bucket}/nightly",
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "S3_SECRET_ACCESS_KEY": S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def _boto_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "region_name": "us-east-1",
    }
