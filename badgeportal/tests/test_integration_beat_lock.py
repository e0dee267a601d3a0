"""Two beats started by mistake: one runs the schedule, the other waits, and takes over when the first dies
(badgeportal/beat.py). Each beat is a real `celery beat` process on a Redis of the test's own."""

import pytest
import redis

from badgeportal.beat import LOCK_KEY
from badgeportal.tests.stack import eventually

pytestmark = pytest.mark.integration

SENT = "Sending due task outbox-sweep"


def sweeps_sent(beat):
    return beat.log().count(SENT)


def test_a_second_beat_sends_nothing_while_the_first_runs_and_takes_over_when_it_dies(private_redis, beat_processes):
    settings = {"REDIS_URL": private_redis.url, "OUTBOX_SWEEP_SECONDS": 0.5, "BEAT_LOCK_SECONDS": 3}
    first = beat_processes(**settings)
    assert eventually(lambda: sweeps_sent(first) >= 2), first.log()

    second = beat_processes(**settings)
    assert eventually(lambda: "another beat holds the lock" in second.log()), second.log()
    running = sweeps_sent(first)
    assert eventually(lambda: sweeps_sent(first) >= running + 4), first.log()  # two seconds of the schedule
    assert sweeps_sent(second) == 0

    first.kill()  # SIGKILL: it cannot let go of the lock, which expires
    assert eventually(lambda: sweeps_sent(second) >= 2), second.log()
    assert "holds the lock" in second.log()


def test_a_beat_stopped_cleanly_lets_go_of_the_lock_at_once(private_redis, beat_processes):
    lock = redis.Redis.from_url(private_redis.url)
    beat = beat_processes(REDIS_URL=private_redis.url, BEAT_LOCK_SECONDS=600)
    assert eventually(lambda: lock.exists(LOCK_KEY)), beat.log()
    assert 0 < lock.ttl(LOCK_KEY) <= 600

    beat.stop()  # SIGTERM, as systemd stops it: the next beat need not wait ten minutes

    assert beat.process.returncode == 0
    assert not lock.exists(LOCK_KEY)
