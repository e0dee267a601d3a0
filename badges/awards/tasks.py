from celery import shared_task

from ..public.page_views import page_views_flush
from ..reminders.services import reminders_send
from .services import awards_expiry_announce


@shared_task
def awards_expiry_sweep():
    """Daily, by beat: announce the badges that expired since the last run."""
    return awards_expiry_announce()


@shared_task
def award_reminders_sweep():
    """By beat: queue the reminders due today (to accept, before expiry). Each goes once, whenever it runs."""
    return reminders_send()


@shared_task
def page_views_flush_task():
    """Every few minutes, by beat: move the public page view counts from Redis into the database."""
    return page_views_flush()
