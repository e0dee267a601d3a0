"""The outbox list names each email's recipient, subject, state and last error; its page previews the body."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.services import award_issue
from badges.models import ClaimToken
from badges.tests.factories import BadgeTemplateFactory
from outbox.models import OutboxEmail
from outbox.registry import templated_email, unsubscribe_headers
from outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def claim_row():
    award_issue(template=BadgeTemplateFactory(name="Cloud Engineer"), email="noor@example.com", name="Noor Ali")
    return OutboxEmail.objects.get()


def test_the_list_shows_the_subject_once_sent_and_the_last_error(staff_client, claim_row):
    outbox_deliver(row=claim_row)
    OutboxEmail.objects.create(kind="claim", to="bad@example.com", failed_at=timezone.now(), last_error="550 nope")

    page = staff_client.get(reverse("admin:outbox_outboxemail_changelist")).text

    assert "noor@example.com" in page and "Your badge from Contoso Certification Program: Cloud Engineer" in page
    assert "bad@example.com" in page and "(claim email, not sent yet)" in page and "550 nope" in page


def test_the_email_page_previews_the_body_without_minting_a_working_claim_link(staff_client, claim_row):
    page = staff_client.get(reverse("admin:outbox_outboxemail_change", args=[claim_row.pk])).text

    assert "Hello Noor Ali" in page
    assert "/claim/" in page
    assert not ClaimToken.objects.exists()


def test_a_renderer_sets_one_click_unsubscribe_headers():
    message = templated_email(
        to="a@example.com",
        template="support/email/ack",
        context={"support_request": {"name": "A", "message": "m"}, "help_url": "https://x.example/help/"},
        headers=unsubscribe_headers("https://x.example/u/abc/"),
    )

    sent = message.message()
    assert sent["List-Unsubscribe"] == "<https://x.example/u/abc/>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_email_whose_renderer_fails_still_opens_with_the_error(staff_client):
    row = OutboxEmail.objects.create(kind="no-such-kind", to="a@example.com")

    page = staff_client.get(reverse("admin:outbox_outboxemail_change", args=[row.pk]))

    assert page.status_code == 200
    assert "No preview: LookupError" in page.text
