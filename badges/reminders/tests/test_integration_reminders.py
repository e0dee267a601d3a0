"""Reminders on the real stack: PostgreSQL, Redis, a Celery worker and an SMTP server."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from badges.awards.tasks import award_reminders_sweep
from badges.models import Award, ReminderOptOut
from badges.tests.factories import AwardFactory
from outbox.models import OutboxEmail

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_beat_task_sends_one_reminder_whose_one_click_unsubscribe_works(
    real_services, smtp_inbox, celery_worker_thread, client
):
    award = AwardFactory(recipient_email="kim@example.com")
    Award.objects.filter(pk=award.pk).update(created_at=timezone.now() - timedelta(days=7))
    # Its claim email went a week ago (sent: the worker has nothing else to send).
    OutboxEmail.objects.create(kind="claim", to=award.recipient_email, payload={"award_id": award.pk},
                               sent_at=timezone.now() - timedelta(days=7))  # fmt: skip

    award_reminders_sweep.delay()
    award_reminders_sweep.delay()  # a second run sends nothing more
    [message] = smtp_inbox.wait_for(1)

    assert message["To"] == "kim@example.com"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.match(r"<https://badges\.example\.org(/reminders/unsubscribe/[^>]+)>", message["List-Unsubscribe"])
    client.handler.enforce_csrf_checks = True
    assert client.post(url.group(1), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ReminderOptOut.objects.filter(email="kim@example.com").exists()
