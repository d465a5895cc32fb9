"""Where photo files live: a directory or an S3-compatible bucket, behind one interface.

Keys are relative paths. Those under ``public/`` are the renditions, served to readers
at ``MEDIA_PUBLIC_URL``; those under ``originals/`` are the uploads as received, never
served. Every write is all-or-nothing (a file is renamed into place, an S3 object
appears whole), and a key is only ever written with the same content, so writing one
that exists is skipped.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

PUBLIC = "public/"
ORIGINALS = "originals/"
CHUNK = 64 * 1024


class StorageUnavailable(Exception):
    """The directory or bucket did not answer; the operation may be retried."""


class MissingObject(Exception):
    """No object has that key."""


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> bool:
        """Store ``data`` under ``key`` unless it exists; True when written."""

    def exists(self, key: str) -> bool: ...

    def get(self, key: str) -> bytes: ...

    def stream(self, key: str) -> tuple[Iterator[bytes], int]:
        """The object's bytes in chunks, and its size."""

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str) -> list[str]: ...

    def ping(self) -> None: ...

    def sweep(self, older_than_s: float) -> int:
        """Remove what writes cut short (a killed worker) left behind; returns how many."""


class FileStorage:
    """A directory; unfinished writes sit in ``.partial/`` until renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.partial = root / ".partial"

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise MissingObject(key)
        return path

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        target = self._path(key)
        if target.exists():
            return False
        try:
            self.partial.mkdir(parents=True, exist_ok=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.partial / uuid.uuid4().hex
            with temporary.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except OSError as exc:
            raise StorageUnavailable(f"cannot write {key}: {exc}") from exc
        return True

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise MissingObject(key) from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot read {key}: {exc}") from exc

    def stream(self, key: str) -> tuple[Iterator[bytes], int]:
        path = self._path(key)
        try:
            handle = path.open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise MissingObject(key) from None
        size = os.fstat(handle.fileno()).st_size

        def chunks() -> Iterator[bytes]:
            with handle:
                while block := handle.read(CHUNK):
                    yield block

        return chunks(), size

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def keys(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.is_dir():
            return []
        return sorted(
            path.relative_to(self.root).as_posix() for path in base.rglob("*") if path.is_file()
        )

    def ping(self) -> None:
        if not os.access(self.root if self.root.exists() else self.root.parent, os.W_OK):
            raise StorageUnavailable(f"{self.root} is not writable")

    def sweep(self, older_than_s: float) -> int:
        if not self.partial.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        swept = 0
        for path in self.partial.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    swept += 1
        return swept


def open_storage(
    url: str, s3_endpoint_url: str | None = None, s3_credentials: tuple[str, str] | None = None
) -> Storage:
    """The storage ``MEDIA_STORAGE`` names (``file://`` or ``s3://``)."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        from articles.media.s3 import S3Storage

        bucket, prefix = parsed.netloc, parsed.path.strip("/")
        return S3Storage(bucket, prefix, s3_endpoint_url, s3_credentials)
    return FileStorage(Path(unquote(parsed.path)))
