import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import OutboxEmail
from .services import outbox_deliver, outbox_record_failure

logger = logging.getLogger(__name__)

# A row younger than this is still in the queue's hands; the sweep leaves it alone.
SWEEP_GRACE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, acks_late=True)
def outbox_send(self, outbox_id):
    try:
        outbox_deliver(outbox_id=outbox_id)
    except (smtplib.SMTPException, OSError) as error:
        outbox_record_failure(outbox_id=outbox_id, error=error)
        logger.warning("Sending outbox email %s failed: %s", outbox_id, error)
        # 10 s, 20 s, 40 s, ... capped at 30 minutes.
        raise self.retry(exc=error, countdown=min(10 * 2**self.request.retries, 1800)) from error


@shared_task
def outbox_sweep():
    """Re-enqueue emails that were never sent: a lost queue message, the broker down at issue time."""
    cutoff = timezone.now() - SWEEP_GRACE
    pending = OutboxEmail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
    ids = list(pending.values_list("pk", flat=True)[:500])
    for outbox_id in ids:
        outbox_send.delay(outbox_id)
    return len(ids)
