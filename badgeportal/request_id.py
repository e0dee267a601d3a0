"""One id per request, in every log line it causes and in the Celery tasks it enqueues.

The id comes from the proxy's `X-Request-ID` when it looks like one, or is made here, and is sent back
in the response. A task carries it in a message header and logs under it when a worker runs it.
"""

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
NONE = "-"
_PLAUSIBLE = re.compile(r"[A-Za-z0-9._-]{1,64}")

current_request_id = contextvars.ContextVar("request_id", default=NONE)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _PLAUSIBLE.fullmatch(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every log record a `request_id` attribute for the formatters to print."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


@before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    if headers is not None and current_request_id.get() != NONE:
        headers.setdefault("request_id", current_request_id.get())


@task_prerun.connect
def _adopt_request_id(task=None, **kwargs):
    current_request_id.set(getattr(task.request, "request_id", None) or NONE)


@task_postrun.connect
def _drop_request_id(**kwargs):
    current_request_id.set(NONE)
