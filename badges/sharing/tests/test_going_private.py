"""Before a switch makes shared links answer "not found", the earner is told; the profile counts what the
public sees."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.models import ShareChannel, ShareCount
from badges.sharing.selectors import profile_going_private_warning
from badges.tests.factories import AcceptedAwardFactory, AwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def earner():
    return UserFactory()


def shared(award, channel):
    ShareCount.objects.create(award=award, channel=channel, clicks=3)
    return award


def test_the_profile_warning_counts_the_links_shared_and_names_linkedin(earner):
    shared(AcceptedAwardFactory(earner=earner), ShareChannel.LINKEDIN_PROFILE)
    shared(shared(AcceptedAwardFactory(earner=earner), ShareChannel.X), ShareChannel.LINKEDIN)
    shared(AcceptedAwardFactory(earner=earner), ShareChannel.EMAIL)
    AcceptedAwardFactory(earner=earner)  # public, never shared
    shared(AcceptedAwardFactory(earner=earner, is_public=False), ShareChannel.LINKEDIN)  # already hidden
    AwardFactory(earner=earner)  # pending
    shared(AcceptedAwardFactory(), ShareChannel.LINKEDIN)  # someone else's

    warning = profile_going_private_warning(user=earner)

    assert warning == (
        "Making your profile private hides your 4 public badges. "
        "3 badge links you shared, including on LinkedIn, will answer “not found”."
    )


def test_the_profile_warning_leaves_linkedin_out_when_nothing_went_there(earner):
    shared(AcceptedAwardFactory(earner=earner), ShareChannel.FACEBOOK)

    assert profile_going_private_warning(user=earner) == (
        "Making your profile private hides your 1 public badge. 1 badge link you shared will answer “not found”."
    )


def test_the_profile_warning_is_empty_when_nothing_is_public(earner):
    AcceptedAwardFactory(earner=earner, is_public=False)

    assert profile_going_private_warning(user=earner) == ""


def test_the_settings_page_says_what_going_private_breaks_next_to_the_switch(client, earner):
    shared(AcceptedAwardFactory(earner=earner), ShareChannel.LINKEDIN_PROFILE)
    client.force_login(earner)

    form = client.get(reverse("profile_settings")).context["form"]

    assert "1 badge link you shared, including on LinkedIn, will answer “not found”." in (
        form["profile_public"].help_text
    )
    assert 'aria-describedby="id_profile_public_helptext"' in str(form["profile_public"])


def test_the_settings_page_of_a_private_profile_warns_of_nothing(client):
    earner = UserFactory(profile_public=False)
    shared(AcceptedAwardFactory(earner=earner), ShareChannel.LINKEDIN_PROFILE)
    client.force_login(earner)

    form = client.get(reverse("profile_settings")).context["form"]

    assert "not found" not in form["profile_public"].help_text


def test_going_private_is_confirmed_with_what_it_did(client, earner):
    client.force_login(earner)

    response = client.post(reverse("profile_settings"), {"full_name": "Ada"}, follow=True)

    earner.refresh_from_db()
    assert not earner.profile_public
    assert "Your profile is private: it and your badge links answer “not found”." in response.text


def test_the_badge_switch_warns_that_the_shared_link_breaks(client, earner):
    award = shared(AcceptedAwardFactory(earner=earner), ShareChannel.LINKEDIN)
    client.force_login(earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).text

    assert "Making it private: the link you shared, including on LinkedIn, will answer “not found”." in content
    assert 'aria-describedby="going-private-warning">Make this badge private' in content


def test_the_badge_switch_of_an_unshared_badge_still_says_its_link_breaks(client, earner):
    award = AcceptedAwardFactory(earner=earner)
    client.force_login(earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).text

    assert "Making it private: its link will answer “not found”." in content


def test_the_badge_switch_warns_of_nothing_while_the_profile_is_private(client):
    earner = UserFactory(profile_public=False)
    award = shared(AcceptedAwardFactory(earner=earner), ShareChannel.LINKEDIN)
    client.force_login(earner)

    content = client.get(reverse("wallet_award", args=[award.public_id])).text

    assert "Make this badge private" in content
    assert "will answer “not found”" not in content


def test_a_private_profile_tells_its_owner_it_shows_no_public_badges(client):
    earner = UserFactory(profile_public=False)
    AcceptedAwardFactory.create_batch(2, earner=earner)
    client.force_login(earner)

    content = client.get(reverse("profile_public", args=[earner.public_id])).text

    assert "No public badges while your profile is private." in content
    assert "Once it is public, it lists the 2 badges below." in content
    assert "2 public badges" not in content


def test_a_public_profile_counts_the_badges_the_public_sees(client, earner):
    AcceptedAwardFactory.create_batch(2, earner=earner)
    AcceptedAwardFactory(earner=earner, is_public=False)
    AwardFactory(earner=earner)

    content = client.get(reverse("profile_public", args=[earner.public_id])).text

    assert "2 public badges" in content
