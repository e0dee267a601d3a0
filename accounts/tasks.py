from celery import shared_task

from . import services


@shared_task(acks_late=True)
def data_export_build_task(export_id):
    services.data_export_build(export_id=export_id)


@shared_task
def data_exports_purge():
    return services.data_exports_purge()
