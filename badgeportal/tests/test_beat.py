"""The beat's scheduler holds a lock in Redis while it runs (badgeportal/beat.py); the integration test
test_integration_beat_lock.py starts two beats."""

from badgeportal.celery import app


def test_the_beat_runs_the_scheduler_that_holds_the_lock():
    assert app.conf.beat_scheduler == "badgeportal.beat:LockedScheduler"
