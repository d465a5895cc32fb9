"""A backup restores the portal: the same articles and the same view counts.

The sample content is loaded into a fresh PostgreSQL database, its events relayed to
Redis, and views counted by the counter; `python -m portalkit.backup once` backs both
stores up (to a folder, and to an S3 bucket); `restore` puts them into an empty database
and a second, empty Redis; articles and counter apps made on the restored stores then
answer exactly as the originals did.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from articles import extensions as articles_extensions
from articles.app import create_app as create_articles_app
from articles.db import Database
from articles.manage import relay_once, upgrade
from articles.media.samples import api_uploader
from articles.seed import seed
from articles.settings import Settings as ArticlesSettings
from counter.app import create_app as create_counter_app
from counter.consumer import build_consumer
from counter.settings import Settings as CounterSettings
from portalkit.backup import runner
from portalkit.backup.settings import Settings as BackupSettings
from support.servers import ROOT

TOKEN = "backup-test-editor-token"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}


def backup_command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ["PATH"], "LOG_LEVEL": "WARNING", **env}
    return subprocess.run(
        [sys.executable, "-m", "portalkit.backup", *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def articles_settings(database_url: str, redis_url: str, media: Path) -> ArticlesSettings:
    return ArticlesSettings(
        database_url=database_url,
        redis_url=redis_url,
        api_tokens={TOKEN: "editor"},
        media_storage=media.as_uri(),
        log_level="WARNING",
    )


def counter_settings(redis_url: str) -> CounterSettings:
    return CounterSettings(
        redis_url=redis_url, api_tokens={TOKEN: "editor"}, rate_limit_per_min=1_000_000
    )


def what_the_portal_shows(articles_app, counter_app) -> dict:
    """Everything a reader could see of articles and counts."""
    articles = articles_app.test_client()
    listed = articles.get("/v1/articles?per_page=100").get_json()
    ids = [item["id"] for item in listed["items"]]
    first = articles.get(f"/v1/articles/{ids[0]}").get_json()
    counter = counter_app.test_client()
    return {
        "articles": [
            (item["id"], item["slug"], item["title"], item["category"]["slug"])
            for item in listed["items"]
        ],
        "total": listed["total"],
        "categories": articles.get("/v1/categories").get_json(),
        "first": {key: first[key] for key in ("title", "body_html", "version", "tags")},
        "counts": counter.get(f"/v1/views?ids={','.join(map(str, ids))}").get_json(),
        "top": counter.get("/v1/top?window=all&limit=10").get_json(),
        "one": counter.get(f"/v1/views/{ids[0]}").get_json(),
    }


@pytest.fixture
def source(fresh_database, redis_url, tmp_path):
    """The sample content in a fresh database, its events relayed, and views counted."""
    database_url = fresh_database()
    settings = articles_settings(database_url, redis_url, tmp_path / "media")
    database = Database(settings.database_url)
    upgrade(database.engine)
    articles_app = create_articles_app(settings)
    added = seed(database, api_uploader(articles_app))
    assert added >= 5
    relay_once(settings)
    counting = counter_settings(redis_url)
    consumer = build_consumer(counting, block_ms=10, claim_idle_ms=60_000)
    consumer.ensure_group()
    while consumer.poll():
        pass
    counter_app = create_counter_app(counting)
    client = counter_app.test_client()
    ids = [a["id"] for a in articles_app.test_client().get("/v1/articles").get_json()["items"]]
    for rank, article_id in enumerate(ids[:4]):
        for reader in range(4 - rank):
            reply = client.post(
                "/v1/views",
                json={"article_id": article_id, "visitor_id": f"reader-{reader}"},
                headers=BROWSER,
            )
            assert reply.get_json()["counted"] is True, reply.get_json()
    shown = what_the_portal_shows(articles_app, counter_app)
    assert shown["one"]["views"] == 4
    yield {"database_url": database_url, "redis_url": redis_url, "shown": shown, "ids": ids}
    articles_extensions.database(articles_app).dispose()
    database.dispose()


def test_a_restored_backup_shows_the_same_articles_and_counts(
    source, target, fresh_database, empty_redis, tmp_path
):
    taken = backup_command(
        "once",
        env={**target, "DATABASE_URL": source["database_url"], "REDIS_URL": source["redis_url"]},
    )
    assert taken.returncode == 0, taken.stderr
    listed = backup_command("list", env=target)
    assert listed.stdout.count("portal-") == 1, listed.stdout + listed.stderr

    restored_url = fresh_database()
    into = {**target, "DATABASE_URL": restored_url, "REDIS_URL": empty_redis.url}
    restored = backup_command("restore", "latest", env=into)
    assert restored.returncode == 0, restored.stderr

    articles_app = create_articles_app(
        articles_settings(restored_url, empty_redis.url, tmp_path / "media")
    )
    counting = counter_settings(empty_redis.url)
    counter_app = create_counter_app(counting)
    try:
        assert what_the_portal_shows(articles_app, counter_app) == source["shown"]
        # The counter's state came back whole: a reader already counted is not counted
        # again within the window, and a new reader of a published article is.
        client = counter_app.test_client()
        first = source["ids"][0]
        again = client.post(
            "/v1/views", json={"article_id": first, "visitor_id": "reader-0"}, headers=BROWSER
        )
        assert again.get_json()["counted"] is False
        new = client.post(
            "/v1/views", json={"article_id": first, "visitor_id": "reader-new"}, headers=BROWSER
        )
        assert new.get_json() | {"reason": None} == {
            "article_id": first,
            "views": 5,
            "counted": True,
            "reason": None,
        }
    finally:
        articles_extensions.database(articles_app).dispose()

    # A second restore into the stores that now hold data is refused, not mixed in.
    refused = backup_command("restore", env=into)
    assert refused.returncode == 1
    assert "restore into an empty one or --clean" in refused.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    source, fresh_database, empty_redis, tmp_path
):
    folder = tmp_path / "backups"
    env = {"BACKUP_TARGET": folder.as_uri()}
    taken = backup_command(
        "once",
        env={**env, "DATABASE_URL": source["database_url"], "REDIS_URL": source["redis_url"]},
    )
    assert taken.returncode == 0, taken.stderr
    (dump,) = folder.glob("*/postgres.dump")
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    restored_url = fresh_database()
    into = {**env, "DATABASE_URL": restored_url, "REDIS_URL": empty_redis.url}
    refused = backup_command("restore", env=into)
    assert refused.returncode == 1
    assert "damaged" in refused.stderr
    settings = BackupSettings.from_env(into)
    assert runner.postgres.table_count(settings.database_url) == 0
    with redis.Redis.from_url(empty_redis.url) as client:
        assert client.dbsize() == 0


def test_only_the_newest_backups_are_kept_and_a_cut_short_one_is_never_restored(source, tmp_path):
    folder = tmp_path / "backups"
    settings = BackupSettings.from_env(
        {
            "BACKUP_TARGET": folder.as_uri(),
            "DATABASE_URL": source["database_url"],
            "REDIS_URL": source["redis_url"],
            "BACKUP_KEEP": "2",
        }
    )
    target = runner.target_of(settings)
    start = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    for day in range(3):
        runner.take_backup(settings, target, now=start + timedelta(days=day))
    # A backup cut short: its dump written, no manifest.
    (folder / "portal-20261104T020000Z").mkdir()
    (folder / "portal-20261104T020000Z" / "postgres.dump").write_bytes(b"partial")

    assert runner.find(target, "latest").name == "portal-20261103T020000Z"
    removed = runner.prune(target, settings.backup_keep)
    assert removed == ["portal-20261101T020000Z"]
    assert [b.name for b in runner.backups(target)] == [
        "portal-20261102T020000Z",
        "portal-20261103T020000Z",
    ]
