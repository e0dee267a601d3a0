"""Renewal: a new expiry date everywhere the badge shows it, and an expired badge valid again."""

import functools
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from badges.awards.services import award_renew, award_revoke, awards_expiry_announce
from badges.models import AwardState, AwardStatus
from badges.tests.factories import AcceptedAwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def expiring():
    today = timezone.localdate()
    return AcceptedAwardFactory(issued_on=today - timedelta(days=700), expires_on=today + timedelta(days=30))


def _documents(client, award):
    page = client.get(reverse("award_public", args=[award.public_id])).content.decode()
    ob2 = client.get(reverse("ob2_assertion", args=[award.public_id])).json()
    ob3 = client.get(reverse("award_credential_json", args=[award.public_id])).json()
    return page, ob2, ob3


def test_a_renewed_badge_shows_its_new_date_on_its_page_and_in_both_open_badges_documents(client, expiring, commit):
    _documents(client, expiring)  # cached as visitors would leave them

    with commit():
        award_renew(award=expiring, expires_on=date(2031, 3, 31), today=date(2026, 11, 30))
    page, ob2, ob3 = _documents(client, expiring)

    assert "Renewed on" in page and "November 30, 2026" in page
    assert "Valid until March 31, 2031" in page
    assert ob2["expires"] == "2031-03-31T23:59:59+00:00"
    assert ob3["validUntil"] == "2031-03-31T23:59:59+00:00"


def test_verification_says_renewed_on(client, expiring, commit):
    with commit():
        award_renew(award=expiring, expires_on=date(2031, 3, 31), today=date(2026, 11, 30))

    response = client.get(reverse("award_verify", args=[expiring.public_id]))

    assert "renewed on November 30, 2026" in response.content.decode()


def test_an_expired_badge_renewed_is_valid_again_without_a_new_claim(expiring):
    today = timezone.localdate()
    expiring.expires_on = today - timedelta(days=3)
    expiring.save()
    awards_expiry_announce(today=today)
    expiring.refresh_from_db()
    assert expiring.status == AwardStatus.EXPIRED and expiring.expiry_announced_at is not None

    award_renew(award=expiring, expires_on=today + timedelta(days=365))

    expiring.refresh_from_db()
    assert expiring.status == AwardStatus.VALID
    assert expiring.state == AwardState.ACCEPTED
    assert expiring.renewed_on == today
    assert expiring.expiry_announced_at is None  # announced again when the new date passes
    assert not expiring.claim_tokens.exists()


@pytest.mark.parametrize(
    ("days", "message"), [(-1, "in the past"), (None, "Give the new expiry date")], ids=["past", "missing"]
)
def test_a_renewal_needs_a_date_to_come(expiring, days, message):
    expires_on = None if days is None else timezone.localdate() + timedelta(days=days)

    with pytest.raises(ValidationError, match=message):
        award_renew(award=expiring, expires_on=expires_on)


def test_a_revoked_badge_cannot_be_renewed(expiring):
    award_revoke(award=expiring, reason="Exam misconduct.")

    with pytest.raises(ValidationError, match="revoked"):
        award_renew(award=expiring, expires_on=date(2031, 1, 1))


def test_a_renewal_is_in_the_audit_trail_with_the_dates_before_and_after(expiring):
    before = expiring.expires_on.isoformat()

    award_renew(award=expiring, expires_on=date(2031, 1, 1), today=date(2026, 11, 30))

    entry = LogEntry.objects.get_for_object(expiring).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["expires_on"] == [before, "2031-01-01"]
    assert entry.changes_dict["renewed_on"] == ["None", "2026-11-30"]
