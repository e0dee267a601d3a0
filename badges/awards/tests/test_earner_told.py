"""The earner is emailed when a badge is revoked (with the reason), when it expires and when it is renewed."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from badges.awards.services import (
    EXPIRED_EMAIL,
    RENEWED_EMAIL,
    REVOKED_EMAIL,
    award_renew,
    award_revoke,
    awards_expiry_announce,
)
from badges.models import AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


def test_revoking_emails_the_earner_the_reason_in_html_and_text():
    award = AcceptedAwardFactory()

    award_revoke(award=award, reason="The exam result was withdrawn.")
    row = OutboxEmail.objects.get(kind=REVOKED_EMAIL)
    outbox_deliver(row=row)

    message = mail.outbox[-1]
    assert message.to == [award.recipient_email]
    assert "was revoked" in message.subject
    assert "The exam result was withdrawn." in message.body
    assert "The exam result was withdrawn." in message.alternatives[0][0]


def test_a_revoked_pending_badge_tells_its_recipient_too():
    award = AwardFactory()

    award_revoke(award=award, reason="Sent by mistake.")

    assert OutboxEmail.objects.filter(kind=REVOKED_EMAIL, to=award.recipient_email).count() == 1


def test_the_expiry_sweep_emails_each_earner_once():
    today = timezone.localdate()
    award = AcceptedAwardFactory(issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))

    awards_expiry_announce(today=today)
    awards_expiry_announce(today=today)
    row = OutboxEmail.objects.get(kind=EXPIRED_EMAIL)
    outbox_deliver(row=row)

    assert row.to == award.recipient_email
    assert "has expired" in mail.outbox[-1].subject


def test_an_expiry_email_is_not_sent_if_the_badge_was_renewed_before_it_went():
    today = timezone.localdate()
    award = AcceptedAwardFactory(issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))
    awards_expiry_announce(today=today)

    award_renew(award=award, expires_on=today + timedelta(days=365))
    outbox_deliver(row=OutboxEmail.objects.get(kind=EXPIRED_EMAIL))

    assert mail.outbox == []


def test_renewing_a_held_badge_emails_its_earner_the_new_date():
    today = timezone.localdate()
    award = AcceptedAwardFactory(issued_on=today - timedelta(days=400), expires_on=today + timedelta(days=10))

    award_renew(award=award, expires_on=date(2031, 3, 31))
    outbox_deliver(row=OutboxEmail.objects.get(kind=RENEWED_EMAIL, to=award.recipient_email))

    message = mail.outbox[-1]
    assert message.subject == f"Your “{award.template.name}” badge was renewed until March 31, 2031"
    assert "valid until March 31, 2031" in message.body
    assert "valid until March 31, 2031" in message.alternatives[0][0]


@pytest.mark.parametrize("state", [AwardState.PENDING, AwardState.DECLINED])
def test_renewing_a_badge_nobody_holds_emails_nobody(state):
    today = timezone.localdate()
    award = AwardFactory(state=state, issued_on=today - timedelta(days=400), expires_on=today + timedelta(days=10))

    award_renew(award=award, expires_on=today + timedelta(days=365))

    assert not OutboxEmail.objects.filter(kind=RENEWED_EMAIL).exists()


def test_a_renewal_without_notice_and_one_revoked_before_the_send_email_nobody():
    today = timezone.localdate()
    quiet, revoked = AcceptedAwardFactory.create_batch(2, expires_on=today + timedelta(days=10))

    award_renew(award=quiet, expires_on=today + timedelta(days=365), notify=False)
    award_renew(award=revoked, expires_on=today + timedelta(days=365))
    award_revoke(award=revoked, reason="Withdrawn.")
    outbox_deliver(row=OutboxEmail.objects.get(kind=RENEWED_EMAIL))

    assert OutboxEmail.objects.filter(kind=RENEWED_EMAIL).count() == 1
    assert [message.subject for message in mail.outbox if "renewed" in message.subject] == []
