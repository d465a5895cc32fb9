"""Who is viewing: the client address, crawler and exclusion screening, visitor digests.

Raw addresses never reach Redis. An anonymous visitor is a MAC of address and user
agent keyed by a salt that changes every calendar day, so yesterday's digests cannot be
linked to today's; a reader with the web's cookie is a digest of that id, stable
across days. Digests are short (128 bits) to keep dedupe keys small.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import secrets
import socket
import threading
from collections.abc import Iterable
from datetime import date

import redis
from crawlerdetect import CrawlerDetect

from counter import keys
from counter.settings import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_crawlers = CrawlerDetect()


ADDRESS_MAX = 64
"""No address is longer (IPv6 with a zone); longer text is refused before parsing."""


def parse_address(raw: str | None) -> Address | None:
    """An address from text; IPv4 mapped into IPv6 (``::ffff:1.2.3.4``) becomes IPv4."""
    if not raw or len(raw) > ADDRESS_MAX:
        return None
    return _parse_address(raw)


_FAMILIES = ((socket.AF_INET, ipaddress.IPv4Address), (socket.AF_INET6, ipaddress.IPv6Address))


@functools.lru_cache(maxsize=65536)
def _parse_address(raw: str) -> Address | None:
    # Cached: a batch from an access log repeats the same few thousand addresses.
    text = raw.strip()
    address = _read_plain(text)
    if address is None:
        # What inet_pton refuses may still be an address to ipaddress (a zone id).
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _read_plain(text: str) -> Address | None:
    """The address, read by the C library's ``inet_pton``: a tenth of the time of
    :mod:`ipaddress`'s parser, which reads each new address of a batch otherwise."""
    family, kind = _FAMILIES[":" in text]
    try:
        return kind(socket.inet_pton(family, text))
    except (OSError, ValueError):  # not an address of the family; a NUL in the text
        return None


def address_text(address: Address) -> str:
    """``str(address)``, IPv6 written by the C library's ``inet_ntop`` (a tenth of the
    time) where the two agree: everywhere but ``::/96`` and ``::ffff:0:0/96``, which it
    writes with an IPv4 tail, and addresses with a zone."""
    if address.version == 6 and int(address) >> 32 not in (0, 0xFFFF) and not address.scope_id:
        return socket.inet_ntop(socket.AF_INET6, address.packed)
    return str(address)


def in_networks(address: Address, networks: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(
    remote_addr: str | None, forwarded_for: str | None, trusted: Iterable[Network]
) -> Address | None:
    """The reader's address: the socket peer, unless that peer is a trusted proxy.

    Behind trusted proxies, ``X-Forwarded-For`` is read from the right and the first
    address that is not itself a trusted proxy is the client; everything left of it
    could have been written by the client and is ignored.
    """
    trusted = tuple(trusted)
    peer = parse_address(remote_addr)
    if peer is None or not forwarded_for or not in_networks(peer, trusted):
        return peer
    hops = [part for part in forwarded_for.split(",") if part.strip()]
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return peer
        if not in_networks(address, trusted):
            return address
    return peer


def is_crawler(user_agent: str | None) -> bool:
    """A crawler by the maintained list of ``crawlerdetect``; no user agent counts as one."""
    agent = (user_agent or "").strip()
    if not agent:
        return True
    if len(agent) > CACHED_AGENT_MAX:
        return _crawlers.is_crawler(agent)
    return _listed_crawler(agent)


CACHED_AGENT_MAX = 512


@functools.lru_cache(maxsize=4096)
def _listed_crawler(agent: str) -> bool:
    # Cached: readers use a few hundred distinct agents, and the list's pattern costs
    # tens of microseconds an agent. At most 4,096 agents of at most 512 characters.
    return _crawlers.is_crawler(agent)


def cookie_digest(visitor_id: str) -> str:
    return hashlib.blake2b(
        visitor_id.encode(), digest_size=16, person=b"counter-cookie"
    ).hexdigest()


class Salts:
    """The day's salt: derived from the secret, or random and shared through Redis."""

    def __init__(self, client: redis.Redis, secret: str) -> None:
        self.client = client
        self.secret = secret.encode()
        self._cache: dict[date, bytes] = {}
        self._lock = threading.Lock()

    def for_day(self, day: date) -> bytes:
        salt = self._cache.get(day)
        if salt is None:
            salt = self._derive(day) if self.secret else self._shared(day)
            with self._lock:
                self._cache = {day: salt}
        return salt

    def _derive(self, day: date) -> bytes:
        return hmac.digest(self.secret, day.isoformat().encode(), "sha256")

    def _shared(self, day: date) -> bytes:
        key = keys.salt(day)
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, secrets.token_hex(32), nx=True, ex=3 * 86400)
        pipe.get(key)
        return bytes.fromhex(pipe.execute()[1])


def anonymous_digest(salt: bytes, address: Address | None, user_agent: str) -> str:
    """Keyed BLAKE2b (a MAC by design, and faster than HMAC) of address and agent."""
    message = f"{address_text(address) if address else ''}\n{user_agent}".encode()
    return hashlib.blake2b(message, key=salt, digest_size=16, person=b"counter-visitor").hexdigest()


def address_digest(salt: bytes, address: Address) -> str:
    message = address_text(address).encode()
    return hashlib.blake2b(message, key=salt, digest_size=16, person=b"counter-rate").hexdigest()
