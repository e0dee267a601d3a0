"""Staff see each email's state in the outbox, the failed ones counted on the admin index, and retry them."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from outbox.models import OutboxEmail, OutboxState

from .factories import claim_email

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:outbox_outboxemail_changelist")


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def failed():
    return claim_email(failed_at=timezone.now(), last_error="SMTPRecipientsRefused: 550 No such mailbox")


def test_the_outbox_filters_emails_by_state(client, staff, failed):
    pending, sent = claim_email(), claim_email(sent_at=timezone.now())

    response = client.get(CHANGELIST, {"state": "failed"})

    assert response.status_code == 200
    assert failed.to in response.text
    assert "550 No such mailbox" in response.text
    assert pending.to not in response.text
    assert sent.to not in response.text


def test_an_unknown_state_lists_every_email(client, staff, failed):
    response = client.get(CHANGELIST, {"state": "bogus"})

    assert response.status_code == 200
    assert failed.to in response.text


def test_the_admin_index_counts_the_failed_emails(client, staff, failed):
    claim_email(failed_at=timezone.now())
    claim_email()

    response = client.get(reverse("admin:index"))

    assert "2 emails failed" in response.text
    assert f'href="{CHANGELIST}?state=failed"' in response.text


def test_the_admin_index_says_nothing_when_no_email_failed(client, staff):
    claim_email()

    response = client.get(reverse("admin:index"))

    assert "?state=failed" not in response.text


def test_staff_retry_a_failed_email_and_it_is_sent(client, staff, failed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "retry_now", "_selected_action": [failed.pk]}, follow=True)

    assert "1 email(s) will be sent again now." in response.text
    assert OutboxEmail.objects.get(pk=failed.pk).state == OutboxState.SENT
    assert [m.to for m in mail.outbox] == [[failed.to]]
