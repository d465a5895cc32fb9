"""The beat scheduler: redbeat's, riding out a Redis restart, a flush or a full memory.

redbeat holds a lock so one beat of many schedules. Out of the box a failed lock
extension (Redis restarting) or a lock that vanished (Redis lost its data) ends the beat
process. Here a tick that meets Redis trouble waits and tries again; a lost lock is taken
again (or left to the beat that took it meanwhile), and the schedule is written back,
since a Redis that lost the lock lost the schedule with it.
"""

from __future__ import annotations

import logging

import redis
from redbeat import RedBeatScheduler
from redbeat.schedulers import LUA_EXTEND_TO_SCRIPT, get_redis

from portalkit.redis_errors import Backoff, is_redis_trouble

log = logging.getLogger(__name__)


class SupervisedScheduler(RedBeatScheduler):
    """``celery beat --scheduler weather.beat.SupervisedScheduler``."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._backoff = Backoff(1.0, float(self.max_interval))

    def tick(self, *args: object, **kwargs: object) -> float:
        """One round of scheduling; returns the seconds until the next."""
        try:
            if self.lock_key and not self._holds_lock():
                return self.max_interval  # a standby: another beat schedules
            wait = super().tick(*args, **kwargs)
        except redis.exceptions.LockError as exc:
            log.warning("beat lock lost; taking it again: %s", exc)
            self.lock = None
            return self._backoff.next()
        except redis.exceptions.RedisError as exc:
            if not is_redis_trouble(exc):
                raise
            log.warning("redis unavailable; beat waits: %s", exc)
            return self._backoff.next()
        self._backoff.reset()
        return wait

    def _holds_lock(self) -> bool:
        """Whether this beat holds the lock, taking it when it is free.

        redbeat takes the lock once at start (and forgets a failure); after a Redis
        outage or flush the lock is taken here, and the schedule is written again.
        """
        if self.lock is not None:
            return True
        client = get_redis(self.app)
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        if not lock.acquire(blocking=False):
            return False
        log.info("beat lock taken; writing the schedule again")
        self.lock = lock
        self.setup_schedule()
        return True
