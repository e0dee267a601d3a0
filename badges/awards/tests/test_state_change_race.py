"""An accept and a decline of one badge sent at the same moment (two tabs, a double click on each)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badgeportal.tests.races import holding, in_threads, require_postgresql
from badges.models import Award, AwardState
from badges.tests.factories import AwardFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _press(user, url_name, award):
    client = Client()
    client.force_login(user)
    return client.post(reverse(url_name, args=[award.public_id]), follow=True).text


def test_accept_and_decline_at_once_one_wins_and_the_other_says_what_happened():
    require_postgresql()
    earner = UserFactory()
    award = AwardFactory(earner=earner, recipient_email=earner.email)

    with holding("SELECT 1 FROM badges_award WHERE id = %s FOR UPDATE", [award.pk]) as wait_for:
        accept, decline = in_threads(
            lambda: _press(earner, "award_accept", award), lambda: _press(earner, "award_decline", award)
        )
        wait_for(2)
    accepted_page, declined_page = accept.result(timeout=10), decline.result(timeout=10)

    state = Award.objects.get(pk=award.pk).state
    if state == AwardState.ACCEPTED:
        assert "You accepted" in accepted_page
        assert "You already accepted this badge." in declined_page
    else:
        assert "You declined" in declined_page
        assert "You already declined this badge." in accepted_page
