"""Support emails on the real stack: PostgreSQL, Redis as broker, a Celery worker and an SMTP server."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badgeportal.tests.stack import plain_text, wait_until_sent
from support.models import SupportRequest

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_acknowledgement_and_the_staff_reply_arrive_once_each(
    real_services, smtp_inbox, celery_worker_thread, client
):
    client.post(
        reverse("support_contact"),
        {"name": "Lin Park", "email": "lin@example.com", "concerning": "AZ-104", "message": "Link expired."},
    )
    assert wait_until_sent({"kind": "support_ack"})
    support_request = SupportRequest.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:support_supportrequest_change", args=[support_request.pk]),
        {"status": "open", "reply": "A new link is on its way."},
    )
    assert wait_until_sent({"kind": "support_reply"})

    messages = smtp_inbox.wait_for(2)
    assert [m["To"] for m in messages] == ["lin@example.com", "lin@example.com"]
    assert "We received your question about AZ-104" in messages[0]["Subject"]
    assert "A new link is on its way." in plain_text(messages[1])
    assert len(smtp_inbox.wait_for(3, timeout=2)) == 2
