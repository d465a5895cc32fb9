"""kombu's Redis transport, riding out a full, read-only or loading Redis.

For it such a Redis is a lost connection (the worker reconnects with a backoff instead of
stopping for good), and an acknowledgement Redis refused still frees the worker's
prefetch slot: otherwise every refused ack keeps a slot and the worker ends up taking no
task at all. The message then stays in Redis's unacked index and comes back after the
visibility timeout, by when its ``expires`` has passed and it is dropped.
"""

from __future__ import annotations

import logging

from kombu.transport import redis as kombu_redis

from portalkit.redis_errors import PASSING_TYPES

log = logging.getLogger(__name__)


class QoS(kombu_redis.QoS):
    def ack(self, delivery_tag: str) -> None:
        try:
            self._remove_from_indices(delivery_tag).execute()
        except PASSING_TYPES as exc:
            log.warning("redis refused an ack; the slot is freed anyway: %s", exc)
        super(kombu_redis.QoS, self).ack(delivery_tag)  # kombu's in-memory bookkeeping


class Channel(kombu_redis.Channel):
    QoS = QoS


class Transport(kombu_redis.Transport):
    """``broker_transport = "weather.broker:Transport"``."""

    Channel = Channel
    connection_errors = (*kombu_redis.Transport.connection_errors, *PASSING_TYPES)
