"""The beat sends the periodic tasks only while it holds a lock in Redis.

Two beats started by mistake (two machines set up alike, a `make beat` left running beside the unit) would
queue every periodic task twice. The beat that holds the lock runs the schedule and renews the lock at each
tick; any other waits, checking every BEAT_LOCK_SECONDS / 3, and takes over within BEAT_LOCK_SECONDS of the
first one dying (sooner when the first stops cleanly and lets go). Without REDIS_URL there is no beat to
guard: tasks run in-process.
"""

import contextlib
import logging
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_KEY = "badgeportal:beat-lock"
# Renews the lock by compare-and-set: a beat whose lock expired (it was stopped for longer than the lock
# lasts) and was taken by another must not take it back.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class LockedScheduler(PersistentScheduler):
    """Celery's scheduler (the schedule file included), sending only while this beat holds the lock."""

    def __init__(self, *args, **kwargs):
        self._token = uuid.uuid4().hex
        self._holding = False
        self._waiting_said = False
        self._redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5) if settings.REDIS_URL else None
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if self._redis is not None and not self._hold_lock():
            return self._check_every()
        # Wake up often enough to renew the lock long before it expires, even when nothing is due.
        return min(super().tick(*args, **kwargs), self._check_every())

    def close(self):
        if self._redis is not None and self._holding:
            # Unreachable, the lock expires on its own.
            with contextlib.suppress(redis.RedisError):
                self._redis.eval(_RELEASE, 1, LOCK_KEY, self._token)
        super().close()

    def _lock_ms(self):
        return int(settings.BEAT_LOCK_SECONDS * 1000)

    def _check_every(self):
        return settings.BEAT_LOCK_SECONDS / 3

    def _hold_lock(self):
        try:
            if self._holding:
                self._holding = bool(self._redis.eval(_RENEW, 1, LOCK_KEY, self._token, self._lock_ms()))
                if not self._holding:
                    logger.warning("beat: lost the lock %s to another beat; waiting for it to go", LOCK_KEY)
            if not self._holding:
                self._holding = bool(self._redis.set(LOCK_KEY, self._token, nx=True, px=self._lock_ms()))
                if self._holding:
                    logger.info("beat: holds the lock %s, running the schedule", LOCK_KEY)
        except redis.RedisError as error:
            # Nothing can be queued while Redis is down anyway. The next tick renews the lock if it is still
            # this beat's, or finds who holds it now.
            logger.warning("beat: cannot reach Redis for the lock %s: %s", LOCK_KEY, error)
            return False
        if not self._holding and not self._waiting_said:
            logger.info("beat: another beat holds the lock %s; this one waits and takes over if it stops", LOCK_KEY)
        self._waiting_said = not self._holding
        return self._holding
