from celery import shared_task
from django.conf import settings

from .services import webhook_claim, webhook_send


@shared_task(bind=True)
def webhooks_sweep(self):
    """Post a batch of due webhook deliveries; return how many were delivered.

    Queued after each commit that writes deliveries, and every WEBHOOK_SWEEP_SECONDS by the beat, so what is
    due goes out whatever happened to the queue. The task carries no data: a lost message loses nothing.
    """
    batch_size = settings.WEBHOOK_BATCH_SIZE
    delivered = 0
    while True:
        rows = webhook_claim(limit=batch_size)
        full = len(rows) == batch_size
        if full and not self.request.is_eager:
            # More may be due: a free worker takes the next batch while this one posts these.
            webhooks_sweep.delay()
        delivered += sum(webhook_send(delivery=row) for row in rows)
        # Run in-process (no REDIS_URL), the next batch follows here rather than in a call nested ever deeper.
        if not (full and self.request.is_eager):
            return delivered
