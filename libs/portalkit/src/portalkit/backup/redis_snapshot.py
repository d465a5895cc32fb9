"""Redis: every key of one database as DUMP payloads with their time to live.

A snapshot is gzip of a header line and, per key, its name, its remaining time to live
in milliseconds (0: none) and the DUMP payload, each length-prefixed. It is taken over
the ordinary protocol (SCAN, then DUMP and PTTL in pipelines), so it needs no access
to the server's files and is restored with RESTORE into any Redis of the same or a
later version. Keys are read in batches, not at one instant: a key written meanwhile
is in the snapshot or not, each key whole.
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterator
from typing import BinaryIO

import redis

MAGIC = b"portal-redis-snapshot 1\n"
HEADER = struct.Struct(">IqI")  # key length, ttl in ms, payload length
BATCH = 500


class SnapshotError(ValueError):
    """The file is not a snapshot, or is cut short."""


def take(client: redis.Redis, out: BinaryIO) -> int:
    """Write a snapshot of ``client``'s database to ``out``; returns how many keys."""
    count = 0
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as stream:
        stream.write(MAGIC)
        batch: list[bytes] = []
        for key in client.scan_iter(count=BATCH):
            batch.append(key if isinstance(key, bytes) else key.encode())
            if len(batch) >= BATCH:
                count += _write_batch(client, batch, stream)
                batch = []
        count += _write_batch(client, batch, stream)
    return count


def _write_batch(client: redis.Redis, keys: list[bytes], stream: gzip.GzipFile) -> int:
    if not keys:
        return 0
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.dump(key)
        pipe.pttl(key)
    replies = pipe.execute()
    written, chunk = 0, bytearray()
    for key, payload, ttl in zip(keys, replies[::2], replies[1::2], strict=True):
        if payload is None:  # deleted since the SCAN
            continue
        chunk += HEADER.pack(len(key), max(int(ttl), 0), len(payload)) + key + payload
        written += 1
    stream.write(chunk)  # one write per batch: gzip is slow with many small ones
    return written


def entries(source: BinaryIO) -> Iterator[tuple[bytes, int, bytes]]:
    """(key, ttl in ms, payload) of each key in a snapshot."""
    with gzip.GzipFile(fileobj=source, mode="rb") as stream:
        if stream.read(len(MAGIC)) != MAGIC:
            raise SnapshotError("not a portal Redis snapshot")
        while header := stream.read(HEADER.size):
            if len(header) != HEADER.size:
                raise SnapshotError("the snapshot is cut short")
            key_length, ttl, payload_length = HEADER.unpack(header)
            key, payload = stream.read(key_length), stream.read(payload_length)
            if len(key) != key_length or len(payload) != payload_length:
                raise SnapshotError("the snapshot is cut short")
            yield key, ttl, payload


def restore(client: redis.Redis, source: BinaryIO, replace: bool = False) -> int:
    """RESTORE every key of the snapshot into ``client``'s database; returns how many."""
    count = 0
    pipe = client.pipeline(transaction=False)
    for key, ttl, payload in entries(source):
        pipe.restore(key, ttl, payload, replace=replace)
        count += 1
        if count % BATCH == 0:
            pipe.execute()
    pipe.execute()
    return count
