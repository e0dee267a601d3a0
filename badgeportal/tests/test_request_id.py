"""Every request has an id: sent back, in its log lines, and carried into the tasks it enqueues."""

import json
import logging
import time

import pytest
from celery import shared_task
from django.urls import reverse

from badgeportal.request_id import HEADER, RequestIdFilter, current_request_id

pytestmark = pytest.mark.django_db

ids_seen_by_tasks = []


@shared_task
def remember_request_id():
    ids_seen_by_tasks.append(current_request_id.get())


def test_a_request_gets_an_id_and_keeps_a_plausible_incoming_one(client):
    made = client.get(reverse("healthz"))[HEADER]
    kept = client.get(reverse("healthz"), headers={HEADER: "lb-1234.abc"})[HEADER]
    refused = client.get(reverse("healthz"), headers={HEADER: "<script>"})[HEADER]

    assert len(made) == 32
    assert kept == "lb-1234.abc"
    assert refused not in ("<script>", made)


def test_json_log_lines_carry_the_request_id(settings):
    from pythonjsonlogger.json import JsonFormatter

    record = logging.LogRecord("badges", logging.INFO, __file__, 1, "issued %s", ("x",), None)
    token = current_request_id.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s").format(record)

    assert json.loads(line) | {"request_id": "req-42", "message": "issued x"} == json.loads(line)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_under_the_id_of_the_request_that_enqueued_it(real_services, celery_worker_thread):
    ids_seen_by_tasks.clear()
    token = current_request_id.set("req-from-the-web")
    try:
        remember_request_id.delay()
    finally:
        current_request_id.reset(token)
    remember_request_id.delay()  # enqueued outside any request

    deadline = time.monotonic() + 15
    while len(ids_seen_by_tasks) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(ids_seen_by_tasks) == ["-", "req-from-the-web"]
