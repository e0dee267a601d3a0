from celery import shared_task

from badges.models import Certification

from . import services
from .models import JobSource


@shared_task
def jobs_tick():
    services.jobs_tick()


@shared_task
def jobs_source_run_task(source_id):
    source = JobSource.objects.filter(pk=source_id).first()
    if source is None:
        return
    services.jobs_source_run(source=source)


@shared_task
def jobs_refresh_task(certification_id, source_id):
    certification = Certification.objects.filter(pk=certification_id).first()
    source = JobSource.objects.filter(pk=source_id).first()
    if certification is None or source is None:
        return
    services.jobs_refresh(certification=certification, source=source)
