"""Photo storage in an S3-compatible bucket (boto3; credentials from the settings or
boto3's own search: environment, shared files, instance role)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from articles.media.storage import CHUNK, PUBLIC, MissingObject, StorageUnavailable

IMMUTABLE = "public, max-age=31536000, immutable"
MISSING = {"404", "NoSuchKey", "NotFound"}


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in MISSING


class S3Storage:
    """Objects under ``prefix/`` in ``bucket``; public renditions carry a year's cache."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        endpoint_url: str | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        key_id, secret = credentials or (None, None)
        session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret)
        self.client = session.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path"} if endpoint_url else None,
            ),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        if self.exists(key):
            return False
        extra = {"CacheControl": IMMUTABLE} if key.startswith(PUBLIC) else {}
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ContentType=content_type,
                **extra,
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"cannot write {key}: {exc}") from exc
        return True

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _missing(exc):
                return False
            raise StorageUnavailable(f"cannot look up {key}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"cannot look up {key}: {exc}") from exc
        return True

    def _object(self, key: str) -> dict:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _missing(exc):
                raise MissingObject(key) from None
            raise StorageUnavailable(f"cannot read {key}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"cannot read {key}: {exc}") from exc

    def get(self, key: str) -> bytes:
        body = self._object(key)["Body"]
        try:
            return body.read()
        except BotoCoreError as exc:
            raise StorageUnavailable(f"cannot read {key}: {exc}") from exc
        finally:
            body.close()

    def stream(self, key: str) -> tuple[Iterator[bytes], int]:
        found = self._object(key)
        body = found["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()

        return chunks(), int(found["ContentLength"])

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"cannot delete {key}: {exc}") from exc

    def keys(self, prefix: str) -> list[str]:
        found: list[str] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(prefix)
            )
            for page in pages:
                found += [item["Key"][len(self.prefix) :] for item in page.get("Contents", [])]
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"cannot list {prefix}: {exc}") from exc
        return sorted(found)

    def ping(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"bucket {self.bucket} does not answer: {exc}") from exc

    def sweep(self, older_than_s: float) -> int:
        return 0  # an object is written in one PUT: nothing is left half-written
