"""The media settings: where photos are stored and served, and the limits of an upload."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from portalkit.config import ConfigError, env, http_url, integer

MIB = 1024 * 1024


def default_media_storage() -> str:
    """A directory under ./var/ of the directory the process runs in."""
    return (Path(os.getcwd()) / "var" / "media").as_uri()


def storage_url(raw: str) -> str:
    """``file:///absolute/dir`` (or a bare path) or ``s3://bucket/prefix``."""
    parsed = urlparse(raw)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError("expected s3://bucket/prefix")
        return raw.rstrip("/")
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ValueError("a file:// URL names a local directory: file:///path")
        return raw.rstrip("/") or "file:///"
    if parsed.scheme == "":
        return Path(raw).resolve().as_uri()
    raise ValueError("expected file:///path or s3://bucket/prefix")


def public_url(raw: str) -> str:
    """A path (``/media/``) or an http(s) URL; always ending in ``/``."""
    if raw.startswith("/") and not raw.startswith("//"):
        return raw.rstrip("/") + "/"
    return http_url(raw) + "/"


@dataclass(frozen=True)
class MediaSettings:
    media_storage: str = field(default_factory=default_media_storage)
    media_public_url: str = "/media/"
    media_max_bytes: int = 20 * MIB
    media_max_pixels: int = 50_000_000
    s3_endpoint_url: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    media_job_timeout_s: int = 120

    @property
    def s3_credentials(self) -> tuple[str, str] | None:
        if self.s3_access_key_id and self.s3_secret_access_key:
            return self.s3_access_key_id, self.s3_secret_access_key
        return None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MediaSettings:
        key_id = env("S3_ACCESS_KEY_ID", None, str, environ)
        secret = env("S3_SECRET_ACCESS_KEY", None, str, environ)
        if bool(key_id) != bool(secret):
            name = "S3_SECRET_ACCESS_KEY" if key_id else "S3_ACCESS_KEY_ID"
            raise ConfigError(name, "", "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together")
        return cls(
            media_storage=env("MEDIA_STORAGE", default_media_storage(), storage_url, environ),
            media_public_url=env("MEDIA_PUBLIC_URL", cls.media_public_url, public_url, environ),
            media_max_bytes=env(
                "MEDIA_MAX_BYTES", str(cls.media_max_bytes), integer(1024, 1 << 30), environ
            ),
            media_max_pixels=env(
                "MEDIA_MAX_PIXELS", str(cls.media_max_pixels), integer(1, 1 << 31), environ
            ),
            s3_endpoint_url=env("S3_ENDPOINT_URL", None, http_url, environ),
            # Unset, boto3 finds credentials itself (AWS_ACCESS_KEY_ID, a role, ...).
            s3_access_key_id=key_id,
            s3_secret_access_key=secret,
            media_job_timeout_s=env(
                "MEDIA_JOB_TIMEOUT_S", str(cls.media_job_timeout_s), integer(2, 3600), environ
            ),
        )
