"""Django's Redis cache, keeping one client per connection pool and carrying on when Redis is down.

One client: Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` on every cache call, and
building one copies its table of about 170 response callbacks: on a page served from the cache that was a
third of the time spent reading the entry. A client is thread-safe and holds no connection of its own
(the pool does), so one per pool does the same work.

Carrying on: a cache is a cache. When Redis cannot be reached, `RedisCache` behaves as an empty cache that
forgets every write: reads miss (pages are built from the database), writes and deletes do nothing,
`add()` succeeds and `incr()` finds no key. Rate limits therefore let requests through while Redis is down
(README, "When Redis is down"). Each outage is logged, at most once every `LOG_EVERY` seconds per cache
connection, so a busy site does not write a line per cache call.
"""

import logging
import time

from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY = 10


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._logged_at = None

    def _unless_down(self, fallback, method, *args):
        try:
            return method(*args)
        except RedisError as error:
            self._log_outage(error)
            return fallback

    def _log_outage(self, error):
        now = time.monotonic()
        if self._logged_at is None or now - self._logged_at >= LOG_EVERY:
            self._logged_at = now
            logger.warning("Redis cache unreachable, carrying on without it: %s", error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # An empty cache takes the key: a lock is acquired, a rate-limit count starts at its first hit.
        return self._unless_down(True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._unless_down(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._unless_down(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._unless_down(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._unless_down(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._unless_down({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._unless_down(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._log_outage(error)
            raise ValueError(f"Key '{key}' not found.") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._unless_down([], super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._unless_down(None, super().delete_many, keys, version)

    def clear(self):
        return self._unless_down(False, super().clear)
