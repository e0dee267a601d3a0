import functools
import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    """Queueing after the commit never turns a saved change into an error.

    When the broker is down the change is already committed, and what the task was for is in the
    database too: an outbox row the sweep sends, a job source the next tick runs. So the failure to
    publish is logged, and the request that made the change still succeeds.
    """

    def apply_async_on_commit(self, *args, **kwargs):
        transaction.on_commit(functools.partial(self._apply_async_or_log, *args, **kwargs))

    def delay_on_commit(self, *args, **kwargs):
        self.apply_async_on_commit(args, kwargs)

    def _apply_async_or_log(self, *args, **kwargs):
        try:
            self.apply_async(*args, **kwargs)
        except OperationalError as error:
            logger.warning("Could not queue %s, the broker is unreachable: %s", self.name, error)


app = Celery("badgeportal", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks carry the id of the request that enqueued them, and log under it.
import badgeportal.request_id  # noqa: E402, F401
