"""Where backups are kept: a folder (a volume) or an S3-compatible bucket.

A target stores files by key (``<backup name>/<file>``); a file is visible under its key
only once completely written, so a backup cut short leaves no file that looks whole.
boto3 is imported only for a bucket: the backup image has it (the articles environment).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlparse


class Target(Protocol):
    def write(self, key: str, stream: BinaryIO) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def stored(self) -> list[str]: ...

    def delete(self, keys: list[str]) -> None: ...


class FolderTarget:
    """Files under a folder; written beside as ``.partial`` and renamed when complete."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, key: str, stream: BinaryIO) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)

    def open(self, key: str) -> BinaryIO:
        return (self.root / key).open("rb")

    def stored(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.endswith(".partial")
        )

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            (self.root / key).unlink(missing_ok=True)
        for folder in sorted({(self.root / key).parent for key in keys}, reverse=True):
            if folder != self.root and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


class BucketTarget:
    """Objects under ``prefix/`` of an S3 bucket (multipart uploads appear whole or not)."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        endpoint_url: str | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        import boto3
        from botocore.config import Config

        key_id, secret = credentials or (None, None)
        session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret)
        self.client = session.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(
                retries={"max_attempts": 5, "mode": "standard"},
                s3={"addressing_style": "path"} if endpoint_url else None,
            ),
        )
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""

    def write(self, key: str, stream: BinaryIO) -> None:
        self.client.upload_fileobj(stream, self.bucket, self.prefix + key)

    def open(self, key: str) -> BinaryIO:
        return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"]

    def stored(self) -> list[str]:
        found = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            found += [item["Key"][len(self.prefix) :] for item in page.get("Contents", [])]
        return sorted(found)

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": self.prefix + key} for key in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch})


def open_target(
    url: str, endpoint_url: str | None = None, credentials: tuple[str, str] | None = None
) -> Target:
    """The target ``BACKUP_TARGET`` names."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        return BucketTarget(parsed.netloc, parsed.path.strip("/"), endpoint_url, credentials)
    return FolderTarget(Path(unquote(parsed.path)))


@contextmanager
def local_copy(target: Target, key: str, folder: Path) -> Iterator[Path]:
    """A file on this host with the content stored under ``key``."""
    if isinstance(target, FolderTarget):
        yield target.root / key
        return
    path = folder / key.replace("/", "_")
    with target.open(key) as stream, path.open("wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
