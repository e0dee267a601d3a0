"""The outbox: emails written in the same transaction as their cause, sent in batches on the database's schedule.

A row is due once its `next_attempt_at` has passed, whatever happened to the queue, and is sent at most once:

- `outbox_claim` takes up to a batch of due rows with SELECT ... FOR UPDATE SKIP LOCKED and, in the same
  transaction, counts the attempt and moves `next_attempt_at` to the retry time. Other workers pass the
  rows by from then on; if this worker dies, they are simply due again at that time.
- `outbox_send_batch` reads once what the batch's emails show (`registry.prefetch`), then sends them over
  one SMTP connection, each in its own transaction (`outbox_deliver`) that renders the row, stamps it sent
  if it still is unsent (which locks it), hands the message to SMTP and commits. A worker killed before
  SMTP accepted the message leaves the row unsent, and the claim token its renderer minted is rolled back
  with it. What remains is the instant between the server's acceptance and our commit, the window every
  SMTP client has (RFC 1047); the stamp is written before the send so that only the commit is left in it.
- A failed send notes the error; the retry time set by the claim doubles with each attempt up to
  OUTBOX_RETRY_MAX_SECONDS. A row still failing OUTBOX_FAIL_AFTER_SECONDS after its first failure is marked
  failed, for staff to retry from the admin (`outbox_retry`).
"""

import contextlib
import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from badgeportal.copy_insert import bulk_insert
from badgeportal.retries import backoff, claim_due

from .models import OutboxEmail, OutboxPace, OutboxState
from .registry import prefetch, render

logger = logging.getLogger(__name__)


def outbox_enqueue(*, kind, to, payload=None):
    """Write the email row; a sweep is queued once the surrounding transaction commits."""
    row = OutboxEmail.objects.create(kind=kind, to=to, payload=payload or {})
    _sweep_after_commit()
    return row


def outbox_enqueue_many(*, emails, sweep=True):
    """Write many rows at once (unsaved `OutboxEmail`s) with one sweep queued for all of them.

    A caller writing rows a batch at a time in one transaction (an import) passes `sweep=False` and calls
    `outbox_sweep_on_commit()` once: a sweep per batch would flood the queue with sweeps.
    """
    # An import writes 100,000 at once: COPY is several times faster than an INSERT compiled by Django.
    rows = bulk_insert(OutboxEmail, emails)
    if sweep:
        _sweep_after_commit()
    return rows


def outbox_sweep_on_commit():
    """Queue a sweep once the surrounding transaction commits (see `outbox_enqueue_many`)."""
    _sweep_after_commit()


def _sweep_after_commit():
    from .tasks import outbox_sweep

    outbox_sweep.delay_on_commit()


def retry_delay(attempts):
    """OUTBOX_RETRY_SECONDS after the first attempt, doubling after each one, up to OUTBOX_RETRY_MAX_SECONDS."""
    return backoff(attempts, first_seconds=settings.OUTBOX_RETRY_SECONDS, max_seconds=settings.OUTBOX_RETRY_MAX_SECONDS)


@transaction.atomic
def outbox_claim(*, limit, now=None):
    """Take up to `limit` due rows for this worker, oldest due first, and return them."""
    now = now or timezone.now()
    due = OutboxEmail.objects.due(now).order_by("next_attempt_at", "pk").select_for_update(skip_locked=True)
    return claim_due(due, limit=limit, now=now, delay=retry_delay)


def outbox_send_batch(*, rows, now=None):
    """Send the claimed `rows` over one SMTP connection, at OUTBOX_SEND_RATE; return how many were sent."""
    slots = _send_slots(len(rows), now)
    prefetched = _prefetch(rows)
    mailer = mailers.default
    sent = sent_on_connection = 0
    try:
        for position, row in enumerate(rows):
            if slots:
                time.sleep(max(0, (slots[position] - timezone.now()).total_seconds()))
            try:
                # Opened once and kept: send_messages() alone would open and close a connection per message.
                if mailer.open():
                    sent_on_connection = 0
                delivered = outbox_deliver(row=row, mailer=mailer, now=now, prefetched=prefetched)
            except Exception as error:
                # A traceback helps with a bug in a renderer; an SMTP error says all there is to say.
                logger.warning("Sending outbox email %s failed: %r", row.pk, error, exc_info=not _mail_error(error))
                if not _connection_lost(error):
                    outbox_record_failure(ids=[row.pk], error=error, now=now)
                    continue
                _close(mailer)
                if sent_on_connection:
                    # A connection that worked was closed (servers cap the messages per connection): this
                    # email is retried later, the next one goes over a new connection.
                    outbox_record_failure(ids=[row.pk], error=error, now=now)
                    continue
                # A fresh connection failed: the rest of the batch would fail the same way.
                outbox_record_failure(ids=[row.pk for row in rows[position:]], error=error, now=now)
                break
            sent += delivered
            sent_on_connection += delivered
    finally:
        _close(mailer)
    return sent


def _close(mailer):
    with contextlib.suppress(smtplib.SMTPException, OSError):
        mailer.close()


def _prefetch(rows):
    """Read what the batch's emails show, once; if that fails, each row reads its own (and fails alone)."""
    try:
        return prefetch(rows)
    except Exception:
        logger.exception("Prefetching %s outbox emails failed; rendering them one by one", len(rows))
        return None


def outbox_deliver(*, row, mailer=None, now=None, prefetched=None):
    """Send `row` unless it was sent meanwhile; return whether this call sent it.

    The row is rendered, then stamped sent with its subject in one UPDATE that locks it and re-checks that
    it is unsent (a sweep that took over the row, or staff's retry, may have sent it: then the transaction
    rolls back, and the claim token the renderer minted with it); once SMTP has accepted the message only
    the commit is left. If the send raises, the transaction rolls back: the row stays unsent, and anything
    the renderer wrote disappears with it, so the next attempt starts clean. `prefetched` is what
    `registry.prefetch` read for the batch.
    """
    with transaction.atomic():
        message = render(row, prefetched)
        stamp = {"sent_at": now or timezone.now(), "last_error": "", "failing_since": None}
        if message is not None:
            stamp["subject"] = str(message.subject)[:255]
        if not OutboxEmail.objects.in_state(OutboxState.PENDING).filter(pk=row.pk).update(**stamp):
            transaction.set_rollback(True)
            return False
        if message is not None:
            (mailer or mailers.default).send_messages([message])
    return True


def outbox_preview(*, row):
    """Render `row` as it would be sent, for staff to read, and undo whatever the renderer wrote (a claim
    email mints a claim token: the preview's link must not work). Returns the message, or None."""
    with transaction.atomic():
        message = render(row)
        transaction.set_rollback(True)
    return message


def outbox_record_failure(*, ids, error, now=None):
    """Note `error` on the rows (the claim already set their retry time); mark failed the ones failing too long."""
    now = now or timezone.now()
    rows = OutboxEmail.objects.in_state(OutboxState.PENDING).filter(pk__in=ids)
    rows.update(
        last_error=f"{type(error).__name__}: {error}"[:2000], failing_since=Coalesce("failing_since", Value(now))
    )
    cutoff = now - timedelta(seconds=settings.OUTBOX_FAIL_AFTER_SECONDS)
    given_up = rows.filter(failing_since__lte=cutoff).update(failed_at=now)
    if given_up:
        logger.error("%s outbox email(s) marked failed after failing since %s or earlier", given_up, cutoff)


def outbox_retry(*, rows, now=None):
    """Make the unsent `rows` due now with a fresh schedule (staff's retry); return how many."""
    count = rows.filter(sent_at__isnull=True).update(
        next_attempt_at=now or timezone.now(), attempts=0, failing_since=None, failed_at=None
    )
    if count:
        _sweep_after_commit()
    return count


@transaction.atomic
def outbox_pace_reserve(*, count, now=None):
    """Reserve `count` send slots at OUTBOX_SEND_RATE after every slot reserved before, by any worker;
    return when the first one starts. One row holds the next free slot, so the rate holds for the site."""
    now = now or timezone.now()
    pace, _ = OutboxPace.objects.select_for_update().get_or_create(pk=1, defaults={"next_slot_at": now})
    start = max(pace.next_slot_at, now)
    pace.next_slot_at = start + timedelta(seconds=count / settings.OUTBOX_SEND_RATE)
    pace.save(update_fields=["next_slot_at"])
    return start


def _send_slots(count, now):
    rate = settings.OUTBOX_SEND_RATE
    if not rate or not count:
        return None
    start = outbox_pace_reserve(count=count, now=now)
    return [start + timedelta(seconds=position / rate) for position in range(count)]


def _connection_lost(error):
    """False when only this message failed: the server refused it (smtplib resets the session and the
    connection goes on) or its renderer raised; True when the connection or the server is gone."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code == 421  # "service not available, closing transmission channel"
    return _mail_error(error)


def _mail_error(error):
    return isinstance(error, smtplib.SMTPException | OSError)


def outbox_forget(*, to):
    """Forget the addresses in `to`: the emails still waiting for them are cancelled, never sent, and the
    record of those already sent goes too, as it holds the address. Returns how many were cancelled.

    A row a worker is sending at this moment is locked: the delete waits for that send to commit.
    """
    rows = OutboxEmail.objects.filter(to__in=to)
    cancelled, _ = rows.filter(sent_at__isnull=True).delete()
    rows.delete()
    return cancelled
