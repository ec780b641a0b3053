"""The shared cache, which keeps answering when Redis does not.

Production keeps sign-in limits and API throttles in Redis, so that every gunicorn worker
counts the same failures. Django's ``RedisCache`` raises when Redis is away, and every
sign-in and every API call then answered 500. ``ResilientRedisCache`` falls back to a
cache in the process's memory for as long as Redis is away (checked again every
``RETRY_SECONDS``): limits still hold, counted per process for those seconds, and
nobody is locked out or let in because of an outage. It logs the outage once per
fallback.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
_WRAPPED = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "decr",
    "set_many",
    "delete_many",
    "clear",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        # Fail fast: a request waits at most a second for an absent Redis.
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 2)
        super().__init__(server, {**params, "OPTIONS": options})
        self._fallback = LocMemCache(f"zi-fallback-{id(self)}", params)
        self._down_until = 0.0

    def redis_available(self) -> bool:
        return time.monotonic() >= self._down_until


def _wrap(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if self.redis_available():
            try:
                return redis_method(self, *args, **kwargs)
            except _UNAVAILABLE as exc:
                self._down_until = time.monotonic() + RETRY_SECONDS
                log.warning("cache: Redis unavailable (%r); using process memory", exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


for _name in _WRAPPED:
    setattr(ResilientRedisCache, _name, _wrap(_name))
