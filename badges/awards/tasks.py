from celery import shared_task

from .services import awards_expiry_announce


@shared_task
def awards_expiry_sweep():
    """Daily, by beat: announce the badges that expired since the last run."""
    return awards_expiry_announce()
