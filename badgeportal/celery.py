import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")

app = Celery("badgeportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks carry the id of the request that enqueued them, and log under it.
import badgeportal.request_id  # noqa: E402, F401
