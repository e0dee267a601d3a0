"""Reminders to accept (7 and 30 days by default) and before expiry (60 days), each at most once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.services import award_accept, award_decline, award_resend, award_revoke
from badges.models import AwardReminder, ReminderKind
from badges.reminders.services import REMINDER_EMAIL, reminders_send, reminders_unsubscribe, unsubscribe_token
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def issued(**fields):
    """A pending award with its claim email queued, as `award_issue` leaves it."""
    award = AwardFactory(**fields)
    OutboxEmail.objects.create(kind="claim", to=award.recipient_email, payload={"award_id": award.pk})
    return award


def day(n):
    """`n` days after the awards in these tests were made (today)."""
    return TODAY + timedelta(days=n)


def reminders(kind=None):
    rows = OutboxEmail.objects.filter(kind=REMINDER_EMAIL)
    return [row for row in rows if kind is None or row.payload["reminder"] == kind]


def send_last():
    outbox_deliver(row=OutboxEmail.objects.filter(kind=REMINDER_EMAIL).latest("pk"))
    return mail.outbox[-1]


def test_nothing_is_due_before_the_seventh_day():
    issued()

    assert reminders_send(today=day(6)) == 0


def test_the_first_reminder_goes_on_the_seventh_day_once_however_often_the_sweep_runs():
    award = issued()

    assert reminders_send(today=day(7)) == 1
    assert reminders_send(today=day(7)) == 0
    assert reminders_send(today=day(8)) == 0

    assert [row.to for row in reminders(ReminderKind.FIRST)] == [award.recipient_email]


def test_the_second_reminder_goes_on_the_thirtieth_day_and_then_they_stop():
    issued()
    reminders_send(today=day(7))

    assert reminders_send(today=day(29)) == 0
    assert reminders_send(today=day(30)) == 1
    assert reminders_send(today=day(60)) == 0
    assert len(reminders()) == 2


def test_a_sweep_missed_for_a_few_days_catches_up():
    issued()

    assert reminders_send(today=day(10)) == 1


def test_badges_made_long_before_are_not_reminded_out_of_the_blue():
    issued()

    assert reminders_send(today=day(400)) == 0


def test_the_template_chooses_the_days_or_none():
    issued(template=BadgeTemplateFactory(first_reminder_days=3, second_reminder_days=None))

    assert reminders_send(today=day(3)) == 1
    assert reminders_send(today=day(30)) == 0


@pytest.mark.parametrize("change", ["accept", "decline", "revoke"])
def test_no_reminder_to_accept_a_badge_accepted_declined_or_revoked(change):
    earner = UserFactory()
    award = issued(earner=earner, recipient_email=earner.email)
    if change == "accept":
        award_accept(award=award)
    elif change == "decline":
        award_decline(award=award)
    else:
        award_revoke(award=award, reason="Mistake.")

    assert reminders_send(today=day(7)) == 0


def test_a_reminder_queued_before_the_badge_was_accepted_is_not_sent():
    earner = UserFactory()
    award = issued(earner=earner, recipient_email=earner.email)
    reminders_send(today=day(7))

    award_accept(award=award)
    outbox_deliver(row=reminders()[0])

    assert mail.outbox == []


def test_the_reminder_to_claim_carries_a_fresh_claim_link_and_one_click_unsubscribe_headers():
    issued(template=BadgeTemplateFactory(name="Cloud Engineer"))
    reminders_send(today=day(7))

    message = send_last()

    assert "Cloud Engineer" in message.subject
    assert "/claim/" in message.body
    assert "/reminders/unsubscribe/" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://badges.example.org/reminders/unsubscribe/")


def test_the_expiry_reminder_goes_sixty_days_ahead_with_the_renewal_link():
    template = BadgeTemplateFactory(renewal_url="https://learn.contoso.example/renew")
    award = AcceptedAwardFactory(template=template, issued_on=day(-300), expires_on=day(100))

    assert reminders_send(today=day(39)) == 0
    assert reminders_send(today=day(40)) == 1
    assert reminders_send(today=day(41)) == 0
    message = send_last()

    assert message.to == [award.recipient_email]
    assert "expires on" in message.subject
    assert "https://learn.contoso.example/renew" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_a_renewed_badge_is_reminded_again_before_its_new_date():
    from badges.awards.services import award_renew

    award = AcceptedAwardFactory(issued_on=day(-300), expires_on=day(10))
    reminders_send(today=TODAY)

    award_renew(award=award, expires_on=day(400), today=TODAY)

    assert reminders_send(today=day(340)) == 1
    assert AwardReminder.objects.filter(award=award, kind=ReminderKind.EXPIRY).count() == 2


def test_no_expiry_reminder_for_a_pending_or_revoked_badge():
    issued(issued_on=day(-300), expires_on=day(30))
    revoked = AcceptedAwardFactory(issued_on=day(-300), expires_on=day(30))
    award_revoke(award=revoked, reason="Mistake.")

    assert reminders(ReminderKind.EXPIRY) == []
    reminders_send(today=TODAY)
    assert reminders(ReminderKind.EXPIRY) == []


def test_the_database_refuses_a_second_reminder_of_a_kind():
    award = issued()
    AwardReminder.objects.create(award=award, kind=ReminderKind.FIRST)

    with pytest.raises(IntegrityError):
        AwardReminder.objects.create(award=award, kind=ReminderKind.FIRST)


def test_an_unsubscribed_address_gets_no_reminder_but_still_gets_claim_emails():
    award = issued()
    reminders_unsubscribe(email=award.recipient_email.upper())

    assert reminders_send(today=day(7)) == 0
    outbox_deliver(row=award_resend(award=award))
    assert mail.outbox[-1].to == [award.recipient_email]


def test_one_click_unsubscribe_works_by_post_without_a_session_or_csrf_token(client):
    award = issued()
    client.handler.enforce_csrf_checks = True
    url = reverse("reminders_unsubscribe", args=[unsubscribe_token(award.recipient_email)])

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert reminders_send(today=day(7)) == 0


def test_opening_the_unsubscribe_link_only_asks(client):
    award = issued()
    url = reverse("reminders_unsubscribe", args=[unsubscribe_token(award.recipient_email)])

    response = client.get(url)

    assert "Unsubscribe from reminders" in response.content.decode()
    assert reminders_send(today=day(7)) == 1


def test_a_forged_unsubscribe_link_changes_nothing(client):
    award = issued()
    forged = unsubscribe_token(award.recipient_email)[:-2] + "xx"

    response = client.post(reverse("reminders_unsubscribe", args=[forged]))

    assert response.status_code == 404
    assert reminders_send(today=day(7)) == 1


def test_an_award_issued_without_a_claim_email_gets_no_reminder():
    AwardFactory()  # the program chose to tell its earner itself

    assert reminders_send(today=day(7)) == 0
