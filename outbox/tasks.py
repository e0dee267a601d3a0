from celery import shared_task
from django.conf import settings

from .services import outbox_claim, outbox_send_batch


@shared_task
def outbox_sweep():
    """Send a batch of due emails; return how many were sent.

    Queued after each commit that writes an email, and every OUTBOX_SWEEP_SECONDS by the beat, which
    sends what is due whatever happened to the queue. The task carries no data: a lost message loses nothing.
    """
    batch_size = settings.OUTBOX_BATCH_SIZE
    rows = outbox_claim(limit=batch_size)
    if len(rows) == batch_size:
        # More may be due: queue the next batch now (at once, outside a transaction), so that a free
        # worker sends it while this one sends these.
        outbox_sweep.delay_on_commit()
    return outbox_send_batch(rows=rows)
