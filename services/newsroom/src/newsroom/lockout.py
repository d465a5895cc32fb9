"""Failed sign-ins counted in Redis, per account name and per client address.

The account counter is kept for any name typed, existing or not, so a lockout says
nothing about which accounts exist. Both counters expire ``window_s`` after the first
failure of their run; a success clears the account's.
"""

from __future__ import annotations

import hashlib

import redis


class Lockout:
    def __init__(
        self, client: redis.Redis, per_account: int, per_address: int, window_s: int
    ) -> None:
        self.client = client
        self.per_account = per_account
        self.per_address = per_address
        self.window_s = window_s

    @staticmethod
    def _account_key(username: str) -> str:
        name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        return f"newsroom:login-failures:account:{name}"

    @staticmethod
    def _address_key(address: str) -> str:
        return f"newsroom:login-failures:address:{address}"

    def locked(self, username: str, address: str) -> bool:
        account, by_address = self.client.mget(
            self._account_key(username), self._address_key(address)
        )
        return int(account or 0) >= self.per_account or int(by_address or 0) >= self.per_address

    def failed(self, username: str, address: str) -> None:
        with self.client.pipeline() as pipe:
            for key in (self._account_key(username), self._address_key(address)):
                pipe.set(key, 0, ex=self.window_s, nx=True)
                pipe.incr(key)
            pipe.execute()

    def succeeded(self, username: str) -> None:
        self.client.delete(self._account_key(username))
