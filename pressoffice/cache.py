"""Django's Redis cache as a busy site needs it: short timeouts, and a circuit breaker.

A dead or stalled Redis must cost a worker one short timeout every few seconds, not one per
call: after a failure the breaker answers every call as a miss (or a refusal) without touching
the network for BREAK_SECONDS, then lets one call through to see whether Redis is back. Each
outage is logged once when it starts and once when it ends. Nothing here decides what is
current (articles/pagecache/freshness.py does, from the database), so a miss is always safe.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# 250 ms to connect or to read an answer: a page waits at most this long for a sick Redis.
TIMEOUT_SECONDS = 0.25
BREAK_SECONDS = 5.0


class CacheUnavailable(ValueError):
    """Raised by incr() while Redis is out: a counter cannot be faked (callers that rate-limit
    treat it as "over the limit")."""


class Breaker:
    """Per process and per Redis location; shared by the threads of a process. The page cache
    keeps an outage log of its own in front of whatever backend it has (`_Outage` in
    articles/pagecache/caching.py, which says why it is not this)."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.failing = False

    def allows(self):
        return time.monotonic() >= self.open_until

    def failed(self, error):
        with self.lock:
            self.open_until = time.monotonic() + BREAK_SECONDS
            if not self.failing:
                self.failing = True
                logger.error(
                    "cache %s unavailable (%s); serving uncached, retrying every %ss",
                    self.name,
                    error,
                    BREAK_SECONDS,
                )

    def answered(self):
        if self.failing:
            with self.lock:
                if self.failing:
                    self.failing = False
                    logger.warning("cache %s available again", self.name)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(name):
    with _breakers_lock:
        return _breakers.setdefault(name, Breaker(name))


def unavailable_caches():
    """Names of the Redis caches this process currently treats as down."""
    return sorted(name for name, breaker in _breakers.items() if breaker.failing)


def _guarded(name, fallback):
    def method(self, *args, **kwargs):
        breaker = self.breaker
        if not breaker.allows():
            return fallback(*args, **kwargs)
        try:
            result = getattr(RedisCache, name)(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            breaker.failed(error)
            return fallback(*args, **kwargs)
        breaker.answered()
        return result

    method.__name__ = name
    return method


def _refuse_incr(*args, **kwargs):
    raise CacheUnavailable("the cache is unavailable")


class ResilientRedisCache(RedisCache):
    """RedisCache with TIMEOUT_SECONDS timeouts, no retries, and a Breaker."""

    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": TIMEOUT_SECONDS,
            "socket_timeout": TIMEOUT_SECONDS,
            "retry": Retry(NoBackoff(), 0),
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        where = urlsplit(self._servers[0])  # named without any password in the address
        prefix = params.get("KEY_PREFIX") or "default"
        self.breaker = breaker_for(f"{prefix}@{where.hostname}:{where.port or 6379}{where.path}")

    get = _guarded("get", lambda key, default=None, version=None: default)
    get_many = _guarded("get_many", lambda keys, version=None: {})
    has_key = _guarded("has_key", lambda key, version=None: False)
    add = _guarded("add", lambda *args, **kwargs: False)
    set = _guarded("set", lambda *args, **kwargs: None)
    set_many = _guarded("set_many", lambda data, *args, **kwargs: list(data))
    touch = _guarded("touch", lambda *args, **kwargs: False)
    delete = _guarded("delete", lambda *args, **kwargs: False)
    delete_many = _guarded("delete_many", lambda *args, **kwargs: None)
    clear = _guarded("clear", lambda: False)
    incr = _guarded("incr", _refuse_incr)
