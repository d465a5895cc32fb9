"""Taking, keeping, checking and restoring backups: one backup is a folder of the target.

``<name>/postgres.dump`` (pg_dump, custom format), ``<name>/redis.snapshot`` and
``<name>/manifest.json`` (sizes and SHA-256 of both), written last: a backup without
its manifest is incomplete and never restored or counted as kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from portalkit.backup import postgres, redis_snapshot
from portalkit.backup.settings import Settings
from portalkit.backup.targets import Target, local_copy, open_target
from portalkit.redis_client import connect

log = logging.getLogger(__name__)

DUMP, SNAPSHOT, MANIFEST = "postgres.dump", "redis.snapshot", "manifest.json"
NAME_FORMAT = "portal-%Y%m%dT%H%M%SZ"


class BackupError(RuntimeError):
    """A backup that cannot be restored as asked (missing, damaged, target not empty)."""


class Hashing:
    """A read-only stream that counts and hashes what is read through it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        self.bytes += len(data)
        return data

    def summary(self) -> dict[str, object]:
        return {"bytes": self.bytes, "sha256": self.sha256.hexdigest()}


@dataclass(frozen=True)
class Backup:
    name: str
    created_at: datetime
    manifest: dict


def target_of(settings: Settings) -> Target:
    credentials = None
    if settings.s3_access_key_id and settings.s3_secret_access_key:
        credentials = (settings.s3_access_key_id, settings.s3_secret_access_key)
    return open_target(settings.backup_target, settings.s3_endpoint_url, credentials)


def take_backup(settings: Settings, target: Target, now: datetime | None = None) -> Backup:
    """Dump PostgreSQL and snapshot Redis into a new backup; returns it once complete."""
    created = (now or datetime.now(UTC)).replace(microsecond=0)
    name = created.strftime(NAME_FORMAT)
    files: dict[str, dict] = {}

    def store_dump(stream: BinaryIO) -> None:
        hashing = Hashing(stream)
        target.write(f"{name}/{DUMP}", hashing)  # type: ignore[arg-type]
        files[DUMP] = hashing.summary()

    postgres.dump(settings.database_url, store_dump)
    client = connect(settings.redis_url, decode_responses=False, socket_timeout=60)
    try:
        with tempfile.TemporaryFile() as snapshot:
            keys = redis_snapshot.take(client, snapshot)
            snapshot.seek(0)
            hashing = Hashing(snapshot)
            target.write(f"{name}/{SNAPSHOT}", hashing)  # type: ignore[arg-type]
            files[SNAPSHOT] = {**hashing.summary(), "keys": keys}
    finally:
        client.close()
    manifest = {"format": 1, "name": name, "created_at": created.isoformat(), "files": files}
    target.write(f"{name}/{MANIFEST}", _bytes_stream(json.dumps(manifest, indent=2).encode()))
    log.info("backup taken", extra={"backup": name, "files": files})
    return Backup(name, created, manifest)


def _bytes_stream(data: bytes) -> BinaryIO:
    import io

    return io.BytesIO(data)


def backups(target: Target) -> list[Backup]:
    """The complete backups of the target, oldest first."""
    found = []
    for key in target.stored():
        name, _, file = key.partition("/")
        if file != MANIFEST:
            continue
        with target.open(key) as stream:
            manifest = json.loads(stream.read())
        found.append(Backup(name, datetime.fromisoformat(manifest["created_at"]), manifest))
    return sorted(found, key=lambda backup: backup.created_at)


def prune(target: Target, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest complete backups, and the leftovers of
    incomplete ones older than the newest complete; returns the names deleted."""
    complete = backups(target)
    kept = {backup.name for backup in complete[-keep:]}
    newest = complete[-1].name if complete else ""
    doomed: dict[str, list[str]] = {}
    for key in target.stored():
        name = key.partition("/")[0]
        if name not in kept and name < newest:
            doomed.setdefault(name, []).append(key)
    for _name, keys in sorted(doomed.items()):
        # The manifest first: a backup half deleted is an incomplete one, never restored.
        target.delete(sorted(keys, key=lambda key: not key.endswith(MANIFEST)))
    return sorted(doomed)


def find(target: Target, name: str) -> Backup:
    complete = backups(target)
    if not complete:
        raise BackupError("the target holds no complete backup")
    if name == "latest":
        return complete[-1]
    for backup in complete:
        if backup.name == name:
            return backup
    raise BackupError(f"no complete backup named {name}")


def _verified(path: Path, expected: dict) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != expected["sha256"]:
        raise BackupError(f"{path.name} does not match its manifest's SHA-256: damaged")


def restore(
    settings: Settings,
    target: Target,
    name: str = "latest",
    parts: tuple[str, ...] = ("postgres", "redis"),
    clean: bool = False,
) -> Backup:
    """Restore a backup into the stores of ``settings``, checked against its manifest first.

    Without ``clean``, a store that holds data already is refused, so a restore never
    mixes two states; with it, the database's objects and the Redis database are replaced.
    """
    backup = find(target, name)
    files = backup.manifest["files"]
    client = connect(settings.redis_url, decode_responses=False, socket_timeout=60)
    try:
        if not clean:
            if "postgres" in parts and postgres.table_count(settings.database_url):
                raise BackupError("the database has tables: restore into an empty one or --clean")
            if "redis" in parts and client.dbsize():
                raise BackupError(
                    "the Redis database has keys: restore into an empty one, or --clean"
                )
        with tempfile.TemporaryDirectory() as folder:
            if "postgres" in parts:
                with local_copy(target, f"{backup.name}/{DUMP}", Path(folder)) as dump:
                    _verified(dump, files[DUMP])
                    postgres.restore(settings.database_url, dump, clean=clean)
            if "redis" in parts:
                with local_copy(target, f"{backup.name}/{SNAPSHOT}", Path(folder)) as snapshot:
                    _verified(snapshot, files[SNAPSHOT])
                    if clean:
                        client.flushdb()
                    with snapshot.open("rb") as source:
                        redis_snapshot.restore(client, source, replace=clean)
    finally:
        client.close()
    log.info("backup restored", extra={"backup": backup.name, "parts": list(parts)})
    return backup


class Schedule:
    """The ``backup`` service's loop: a backup whenever the newest is an interval old."""

    RETRY_S = 300.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.target = target_of(settings)
        self.stopping = threading.Event()

    def due_in_s(self) -> float:
        complete = backups(self.target)
        if not complete:
            return 0.0
        age = (datetime.now(UTC) - complete[-1].created_at).total_seconds()
        return max(0.0, self.settings.backup_interval_s - age)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                wait = self.due_in_s()
                if wait <= 0:
                    take_backup(self.settings, self.target)
                    prune(self.target, self.settings.backup_keep)
                    wait = self.due_in_s()
            except Exception:
                log.exception("backup failed; trying again")
                wait = min(self.RETRY_S, float(self.settings.backup_interval_s))
            self.stopping.wait(wait)

    def stop(self, *_: object) -> None:
        self.stopping.set()
