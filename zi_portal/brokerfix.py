"""A guard for a crash of the Celery worker when the Redis connection is lost.

With kombu 5.7 (celery 5.7, redis-py 8.1), a worker that holds a message it has not yet
acknowledged (a task with a countdown, or any task while it runs: ``acks_late``) dies
with ``Unrecoverable error: AttributeError("'NoneType' object has no attribute
'hostname'")`` when Redis goes away: closing the broken channel tries to put the
unacknowledged messages back through a connection that no longer exists. Nothing
restarts a natively run worker, so reminders and reports would stop silently.

Putting them back cannot work without a connection anyway. Those messages are still in
Redis's ``unacked`` hash (if Redis kept them) and come back after the visibility
timeout; if Redis lost them, the portal's outbox sends them again
(``zi_portal.core.outbox``). So when the restore fails for want of a connection, the
worker logs it and carries on to reconnect. ``tests/core/test_broker_outage.py``
restarts a Redis under a worker that holds such a message.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
_LOST = (AttributeError, ConnectionError, OSError)


def install() -> None:
    """Wrap kombu's Redis ``QoS.restore_unacked`` once per process."""
    # Imported here: only a process that uses the Redis transport needs redis-py.
    from kombu.transport import redis as kombu_redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    qos = kombu_redis.QoS
    if getattr(qos.restore_unacked, "zi_guarded", False):
        return
    original = qos.restore_unacked

    def restore_unacked(self, client=None):
        try:
            return original(self, client)
        except (*_LOST, RedisConnectionError) as exc:
            log.warning(
                "Redis connection lost: %d unacknowledged message(s) not put back now "
                "(visibility timeout or the outbox sends them again): %r",
                len(self._delivered),
                exc,
            )
            self._delivered.clear()
            return None

    restore_unacked.zi_guarded = True
    qos.restore_unacked = restore_unacked
