"""The held-badge rule (accepted and not revoked) exists as a query and as a property; they must agree,
and every count of earned badges uses it."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.models import Award, AwardState, AwardStatus
from badges.tests.factories import AcceptedAwardFactory, AwardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("state", "revoked"), list(itertools.product(AwardState.values, [True, False])))
def test_the_property_and_the_query_agree(state, revoked):
    award = AwardFactory(state=state)
    if revoked:
        award.revoked_at, award.revocation_reason = timezone.now(), "Exam voided."
        award.save()

    in_query = Award.objects.held().filter(pk=award.pk).exists()

    assert award.is_held == in_query == (state == AwardState.ACCEPTED and not revoked)


def test_the_condition_works_across_a_relation():
    held = AcceptedAwardFactory()
    AcceptedAwardFactory(template=held.template, revoked_at=timezone.now(), revocation_reason="Voided.")

    assert held.template.__class__.objects.filter(Award.objects.held_q("awards__")).count() == 1


def test_status_says_revoked_before_expired_before_valid():
    today = timezone.localdate()
    award = AcceptedAwardFactory(issued_on=today - timedelta(days=30), expires_on=today + timedelta(days=1))
    assert award.status == AwardStatus.VALID

    award.expires_on = today - timedelta(days=1)
    assert award.status == AwardStatus.EXPIRED

    award.revoked_at = timezone.now()
    assert award.status == AwardStatus.REVOKED


def test_the_home_page_counts_held_badges_only(client):
    AcceptedAwardFactory()
    AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Exam voided.")
    AwardFactory()  # pending

    response = client.get(reverse("home"))

    assert "1 accepted by earners" in response.text
