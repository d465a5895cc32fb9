"""A circuit breaker per provider whose state lives in Redis, shared by every worker.

Each step is one Lua script, so across workers exactly one takes the half-open probe
(docs/design-notes.md says why not pybreaker).
"""

from __future__ import annotations

from enum import StrEnum

import redis

_ALLOW = """
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures < tonumber(ARGV[1]) then return 'closed' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'open' end
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[2]) then return 'probe' end
return 'open'
"""

_FAILURE = """
local failures = redis.call('INCR', KEYS[1])
if failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  redis.call('DEL', KEYS[3])
  return 1
end
return 0
"""


class Permit(StrEnum):
    CLOSED = "closed"
    PROBE = "probe"
    OPEN = "open"


class SharedBreaker:
    def __init__(
        self,
        client: redis.Redis,
        name: str,
        *,
        fail_max: int,
        reset_s: float,
        probe_lease_s: float,
        prefix: str = "weather:breaker",
    ) -> None:
        self.client = client
        self.fail_max = fail_max
        self.reset_ms = max(1, int(reset_s * 1000))
        self.probe_lease_ms = max(1, int(probe_lease_s * 1000))
        base = f"{prefix}:{name}"
        self.keys = [f"{base}:failures", f"{base}:open", f"{base}:probe"]
        self._allow = client.register_script(_ALLOW)
        self._failure = client.register_script(_FAILURE)

    def allow(self) -> Permit:
        """May a call be made now, and is it the half-open probe?"""
        return Permit(self._allow(keys=self.keys, args=[self.fail_max, self.probe_lease_ms]))

    def record_success(self) -> None:
        self.client.delete(*self.keys)

    def record_failure(self) -> bool:
        """Count a failure; True when this one opened (or re-opened) the breaker."""
        return bool(self._failure(keys=self.keys, args=[self.fail_max, self.reset_ms]))

    def state(self) -> str:
        failures, is_open, _probe = self.client.mget(self.keys)
        if int(failures or 0) < self.fail_max:
            return "closed"
        return "open" if is_open else "half-open"
