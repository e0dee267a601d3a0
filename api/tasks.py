from celery import shared_task
from django.conf import settings

from .services import idempotency_keys_purge as purge


@shared_task
def idempotency_keys_purge():
    """Hourly, by beat: forget idempotency keys older than API_IDEMPOTENCY_HOURS."""
    return purge(hours=settings.API_IDEMPOTENCY_HOURS)
