"""The database is the outbox's schedule: claims, backoff, batches over one connection, failed, retried by hand."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from badgeportal.tests.stack import free_port
from badges.models import ClaimToken
from outbox.models import OutboxEmail, OutboxState
from outbox.services import (
    outbox_claim,
    outbox_pace_reserve,
    outbox_record_failure,
    outbox_retry,
    outbox_send_batch,
    retry_delay,
)
from outbox.tasks import outbox_sweep

from .factories import claim_email

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _schedule(settings):
    settings.OUTBOX_RETRY_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 900
    settings.OUTBOX_FAIL_AFTER_SECONDS = 3600
    settings.OUTBOX_SEND_RATE = 0


def due_email(**fields):
    return claim_email(next_attempt_at=NOW, **fields)


def states(*rows):
    return [OutboxEmail.objects.get(pk=row.pk).state for row in rows]


# Backoff and claims


def test_the_retry_delay_doubles_from_the_first_delay_up_to_the_cap():
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 7)]

    assert delays == [60, 120, 240, 480, 900, 900]
    assert retry_delay(100_000) == timedelta(seconds=900)


def test_a_claim_takes_due_rows_oldest_first_and_schedules_their_retry():
    newer = claim_email(next_attempt_at=NOW - timedelta(minutes=1))
    older = claim_email(next_attempt_at=NOW - timedelta(minutes=10), attempts=2)
    claim_email(next_attempt_at=NOW + timedelta(seconds=1))
    claim_email(sent_at=NOW)
    claim_email(failed_at=NOW)

    claimed = outbox_claim(limit=10, now=NOW)

    assert claimed == [older, newer]
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.attempts, older.next_attempt_at) == (3, NOW + timedelta(seconds=240))
    assert (newer.attempts, newer.next_attempt_at) == (1, NOW + timedelta(seconds=60))


def test_a_claimed_row_is_not_claimed_again_until_its_retry_time():
    rows = [due_email() for _ in range(3)]

    first = outbox_claim(limit=2, now=NOW)
    second = outbox_claim(limit=2, now=NOW)
    none_yet = outbox_claim(limit=2, now=NOW + timedelta(seconds=59))
    again = outbox_claim(limit=2, now=NOW + timedelta(seconds=60))

    assert first == rows[:2]
    assert second == rows[2:]
    assert none_yet == []
    # Their worker died without a word: they are due again, like a failed attempt.
    assert again == rows[:2]


def test_the_sweep_sends_a_due_row_however_many_attempts_it_took():
    row = due_email(attempts=50)

    assert outbox_sweep.apply().get() == 1

    assert states(row) == [OutboxState.SENT]


def test_a_full_batch_queues_the_next_one_before_sending(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_BATCH_SIZE = 2
    rows = [claim_email() for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = outbox_sweep.apply().get()
    assert sent == 2
    assert len(callbacks) == 1

    callbacks[0]()
    assert states(*rows) == [OutboxState.SENT] * 3
    assert len(mail.outbox) == 3


# Batches


def test_a_batch_goes_out_over_one_smtp_connection(smtp_inbox):
    rows = [claim_email() for _ in range(5)]

    sent = outbox_send_batch(rows=outbox_claim(limit=10))

    assert sent == 5
    assert sorted(m["To"] for m in smtp_inbox.wait_for(5)) == sorted(row.to for row in rows)
    assert smtp_inbox.connections == 1
    assert states(*rows) == [OutboxState.SENT] * 5


def test_a_refused_recipient_is_noted_and_the_batch_goes_on(smtp_inbox):
    first, refused, last = due_email(), due_email(), due_email()
    smtp_inbox.refused.add(refused.to)

    sent = outbox_send_batch(rows=outbox_claim(limit=10, now=NOW), now=NOW)

    assert sent == 2
    assert sorted(m["To"] for m in smtp_inbox.wait_for(2)) == sorted([first.to, last.to])
    assert smtp_inbox.connections == 1
    refused.refresh_from_db()
    assert refused.state == OutboxState.PENDING
    assert refused.failing_since == NOW
    assert refused.next_attempt_at == NOW + timedelta(seconds=60)
    assert "No such mailbox" in refused.last_error


def test_a_server_that_closes_the_connection_gets_a_new_one_for_the_rest_of_the_batch(smtp_inbox):
    smtp_inbox.messages_per_connection = 2
    rows = [due_email() for _ in range(5)]

    sent = outbox_send_batch(rows=outbox_claim(limit=10, now=NOW), now=NOW)

    assert sent == 4
    assert smtp_inbox.connections == 2
    assert smtp_inbox.recipients() == sorted(row.to for row in rows[:2] + rows[3:])
    assert states(*rows) == [OutboxState.SENT] * 2 + [OutboxState.PENDING] + [OutboxState.SENT] * 2
    assert "421" in OutboxEmail.objects.get(pk=rows[2].pk).last_error


def test_a_new_connection_that_fails_fails_the_rest_of_the_batch(smtp_inbox):
    smtp_inbox.messages_per_connection = 1
    smtp_inbox.down_from_connection = 2
    rows = [due_email() for _ in range(4)]

    sent = outbox_send_batch(rows=outbox_claim(limit=10, now=NOW), now=NOW)

    assert sent == 1
    assert smtp_inbox.connections == 2  # not one more per remaining email
    assert states(*rows) == [OutboxState.SENT] + [OutboxState.PENDING] * 3
    assert "Service shutting down" in OutboxEmail.objects.get(pk=rows[3].pk).last_error


def test_a_server_that_is_down_fails_the_whole_batch_and_sends_nothing(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    rows = [due_email() for _ in range(3)]

    sent = outbox_send_batch(rows=outbox_claim(limit=10, now=NOW), now=NOW)

    assert sent == 0
    for row in OutboxEmail.objects.filter(pk__in=[row.pk for row in rows]):
        assert row.state == OutboxState.PENDING
        assert row.failing_since == NOW
        assert row.last_error.startswith("ConnectionRefusedError")
    assert not ClaimToken.objects.exists()


def test_the_send_rate_spaces_the_emails_of_a_batch(settings, smtp_inbox):
    settings.OUTBOX_SEND_RATE = 40
    for _ in range(5):
        claim_email()

    started = time.monotonic()
    outbox_send_batch(rows=outbox_claim(limit=10))

    assert time.monotonic() - started >= 4 / 40 - 0.01


def test_send_slots_follow_the_ones_other_workers_reserved(settings):
    settings.OUTBOX_SEND_RATE = 10

    first = outbox_pace_reserve(count=5, now=NOW)
    second = outbox_pace_reserve(count=5, now=NOW)
    after_a_pause = outbox_pace_reserve(count=1, now=NOW + timedelta(seconds=10))

    assert first == NOW
    assert second == NOW + timedelta(seconds=0.5)
    assert after_a_pause == NOW + timedelta(seconds=10)


# Failed, and retried by hand


def test_a_row_failing_for_the_whole_span_is_marked_failed_and_left_alone():
    row = claim_email()
    error = ConnectionRefusedError(111, "Connection refused")

    outbox_record_failure(ids=[row.pk], error=error, now=NOW)
    outbox_record_failure(ids=[row.pk], error=error, now=NOW + timedelta(minutes=59))
    assert states(row) == [OutboxState.PENDING]

    outbox_record_failure(ids=[row.pk], error=error, now=NOW + timedelta(minutes=60))

    row.refresh_from_db()
    assert row.state == OutboxState.FAILED
    assert row.failed_at == NOW + timedelta(minutes=60)
    assert outbox_claim(limit=10, now=NOW + timedelta(days=30)) == []


def test_a_success_ends_the_run_of_failures(smtp_inbox):
    row = claim_email(failing_since=NOW, last_error="SMTPServerDisconnected: gone")

    outbox_send_batch(rows=outbox_claim(limit=10))

    row.refresh_from_db()
    assert (row.state, row.failing_since, row.last_error) == (OutboxState.SENT, None, "")


def test_retrying_by_hand_sends_a_failed_row_with_a_fresh_schedule(django_capture_on_commit_callbacks):
    row = claim_email(attempts=300, failing_since=NOW - timedelta(days=3), failed_at=NOW, last_error="gone")
    sent = claim_email(sent_at=NOW)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = outbox_retry(rows=OutboxEmail.objects.filter(pk__in=[row.pk, sent.pk]), now=NOW)

    assert count == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at, row.failing_since) == (OutboxState.PENDING, 0, NOW, None)
    for callback in callbacks:
        callback()
    assert states(row) == [OutboxState.SENT]
    assert [m.to for m in mail.outbox] == [[row.to]]
