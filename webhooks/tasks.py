from celery import shared_task
from django.conf import settings

from .services import webhook_claim, webhook_send


@shared_task
def webhooks_sweep():
    """Post a batch of due webhook deliveries; return how many were delivered.

    Queued after each commit that writes deliveries, and every WEBHOOK_SWEEP_SECONDS by the beat, so what is
    due goes out whatever happened to the queue. The task carries no data: a lost message loses nothing.
    """
    batch_size = settings.WEBHOOK_BATCH_SIZE
    rows = webhook_claim(limit=batch_size)
    if len(rows) == batch_size:
        webhooks_sweep.delay()
    return sum(webhook_send(delivery=row) for row in rows)
