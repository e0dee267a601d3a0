from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxEmail
from .registry import render


def outbox_enqueue(*, kind, to, payload=None):
    """Write the email row; the send task runs only once the surrounding transaction commits."""
    from .tasks import outbox_send

    row = OutboxEmail.objects.create(kind=kind, to=to, payload=payload or {})
    outbox_send.delay_on_commit(row.pk)
    return row


def outbox_deliver(*, outbox_id):
    """Send one row at most once.

    The row lock keeps two workers (a retry and the sweep, say) from sending the same row;
    if SMTP raises, the transaction rolls back, so anything the renderer wrote (a claim
    token) disappears with it and the next attempt starts clean.
    """
    with transaction.atomic():
        row = OutboxEmail.objects.select_for_update().filter(pk=outbox_id, sent_at__isnull=True).first()
        if row is None:
            return False
        message = render(row)
        if message is not None:
            message.send()
        row.sent_at = timezone.now()
        row.attempts += 1
        row.last_error = ""
        row.save(update_fields=["sent_at", "attempts", "last_error"])
    return True


def outbox_record_failure(*, outbox_id, error):
    OutboxEmail.objects.filter(pk=outbox_id).update(attempts=F("attempts") + 1, last_error=str(error)[:2000])


def outbox_forget(*, to):
    """Forget the addresses in `to`: the emails still waiting for them are cancelled, never sent, and the
    record of those already sent goes too, as it holds the address. Returns how many were cancelled.

    A row a worker is sending at this moment is locked: the delete waits for that send to commit.
    """
    rows = OutboxEmail.objects.filter(to__in=to)
    cancelled, _ = rows.filter(sent_at__isnull=True).delete()
    rows.delete()
    return cancelled
