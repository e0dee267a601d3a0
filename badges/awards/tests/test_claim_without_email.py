"""Journey 2: someone who lost the email collects badges by proving the address on an account."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from badges.awards.services import award_issue
from badges.tests.factories import AwardFactory, BadgeTemplateFactory

pytestmark = pytest.mark.django_db


def _confirmation_link(message):
    return next(line for line in message.body.splitlines() if "/accounts/confirm-email/" in line).strip()


def test_signing_up_with_the_address_attaches_pending_badges_only_once_verified(client):
    award = AwardFactory(recipient_email="mo@example.com")

    client.post(
        reverse("account_signup"),
        {"email": "Mo@Example.com", "full_name": "Mo Chen", "password1": PASSWORD, "password2": PASSWORD},
    )
    award.refresh_from_db()
    assert award.earner is None  # unverified: nothing attached, nothing revealed

    confirm_path = _confirmation_link(mail.outbox[-1]).split("testserver")[-1]
    client.post(confirm_path)

    award.refresh_from_db()
    assert award.earner.email == "mo@example.com"


def test_adding_and_verifying_a_second_address_collects_its_badges(client):
    user = UserFactory()
    award = AwardFactory(recipient_email="mo.old@example.com")
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "mo.old@example.com"})
    award.refresh_from_db()
    assert award.earner is None
    assert client.get(reverse("wallet")).context["has_awards"] is False

    confirm_path = _confirmation_link(mail.outbox[-1]).split("testserver")[-1]
    client.post(confirm_path)

    award.refresh_from_db()
    assert award.earner == user
    assert EmailAddress.objects.get(email="mo.old@example.com").verified


def test_an_unverified_address_reveals_nothing_in_the_wallet(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email="mo.unverified@example.com", verified=False)
    AwardFactory(recipient_email="mo.unverified@example.com")
    client.force_login(user)

    response = client.get(reverse("wallet"))

    assert "No badges yet" in response.text


def test_a_badge_issued_to_an_already_verified_address_goes_straight_to_the_wallet():
    user = UserFactory(email="mo@example.com")

    award = award_issue(template=BadgeTemplateFactory(), email="MO@example.com", name="Mo Chen")

    assert award.earner == user
    assert award.state == "pending"


def test_a_badge_issued_to_an_unverified_address_waits():
    user = UserFactory()
    EmailAddress.objects.create(user=user, email="mo@example.com", verified=False)

    award = award_issue(template=BadgeTemplateFactory(), email="mo@example.com", name="Mo Chen")

    assert award.earner is None
