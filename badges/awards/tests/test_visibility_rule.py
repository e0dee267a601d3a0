"""The public-visibility rule exists as a query and as a property; they must never disagree."""

import itertools

import pytest

from badges.models import Award, AwardState
from badges.tests.factories import AcceptedAwardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("state", "is_public", "profile_public", "is_active"),
    list(itertools.product(AwardState.values, [True, False], [True, False], [True, False])),
)
def test_the_property_and_the_query_agree(state, is_public, profile_public, is_active):
    award = AcceptedAwardFactory(state=state, is_public=is_public)
    award.earner.profile_public = profile_public
    award.earner.is_active = is_active
    award.earner.save()

    in_query = Award.objects.publicly_visible().filter(pk=award.pk).exists()

    assert award.is_publicly_visible == in_query
    assert in_query == (state == AwardState.ACCEPTED and is_public and profile_public and is_active)


def test_an_award_nobody_collected_is_not_public():
    award = AcceptedAwardFactory(earner=None, recipient_email="x@example.com", recipient_name="X")

    assert not award.is_publicly_visible
    assert not Award.objects.publicly_visible().filter(pk=award.pk).exists()
