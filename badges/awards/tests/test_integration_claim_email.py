"""Issuing a badge on the real stack: PostgreSQL, Redis as broker, a Celery worker and an SMTP server."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from badgeportal.tests.stack import plain_text, wait_until_sent
from badges.awards.services import CLAIM_EMAIL, award_issue
from badges.tests.factories import BadgeTemplateFactory
from outbox.models import OutboxEmail
from outbox.tasks import outbox_sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_issuing_delivers_exactly_one_email_whose_link_works(real_services, smtp_inbox, celery_worker_thread, client):
    template = BadgeTemplateFactory(name="Azure Administrator Associate")

    award = award_issue(template=template, email="Kim@Example.com", name="Kim Ode")

    messages = smtp_inbox.wait_for(1)
    time.sleep(1)  # anything sent twice would arrive within this second
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "kim@example.com"
    assert "Azure Administrator Associate" in message["Subject"]
    link = re.search(r"https://badges\.example\.org(/claim/[\w-]+/)", plain_text(message)).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "Kim Ode" in page.text
    assert wait_until_sent({"payload__award_id": award.pk})


def test_the_sweep_sends_an_email_whose_queue_message_was_lost(real_services, smtp_inbox, celery_worker_thread, client):
    template = BadgeTemplateFactory()
    award = template.awards.model.objects.create(
        template=template, recipient_email="lost@example.com", recipient_name="L"
    )
    # The row exists but its task never reached the broker.
    OutboxEmail.objects.create(
        kind=CLAIM_EMAIL,
        to=award.recipient_email,
        payload={"award_id": award.pk},
        created_at=timezone.now() - timedelta(minutes=5),
    )

    outbox_sweep.delay()

    messages = smtp_inbox.wait_for(1)
    assert [m["To"] for m in messages] == ["lost@example.com"]
    assert wait_until_sent({"to": "lost@example.com"})
