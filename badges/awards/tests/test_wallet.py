import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.awards.services import award_revoke
from badges.models import AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def earner():
    return UserFactory()


@pytest.fixture
def pending(earner):
    return AwardFactory(earner=earner, recipient_email=earner.email)


def test_the_wallet_groups_badges_by_state(client, earner, pending):
    accepted = AcceptedAwardFactory(earner=earner)
    declined = AwardFactory(earner=earner, state=AwardState.DECLINED)
    AcceptedAwardFactory()  # someone else's
    client.force_login(earner)

    groups = client.get(reverse("wallet")).context["groups"]

    assert groups["pending"] == [pending]
    assert groups["accepted"] == [accepted]
    assert groups["declined"] == [declined]


def test_the_wallet_query_count_does_not_grow_with_badges(client, earner, django_assert_num_queries):
    AcceptedAwardFactory.create_batch(6, earner=earner)
    client.force_login(earner)

    # session + user + awards with their templates, issuers, certifications and exams
    with django_assert_num_queries(3):
        response = client.get(reverse("wallet"))

    assert len(response.context["groups"]["accepted"]) == 6


def test_the_wallet_needs_a_sign_in(client):
    response = client.get(reverse("wallet"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_accepting_a_pending_badge(client, earner, pending):
    client.force_login(earner)

    response = client.post(reverse("award_accept", args=[pending.public_id]), follow=True)

    pending.refresh_from_db()
    assert pending.state == AwardState.ACCEPTED
    assert pending.accepted_at is not None
    assert "You accepted" in response.text


def test_accepting_invites_to_share_on_linkedin_first_once(client, earner, pending):
    client.force_login(earner)

    response = client.post(reverse("award_accept", args=[pending.public_id]), follow=True)
    again = client.get(reverse("wallet_award", args=[pending.public_id]))

    invite = response.text[response.text.index('class="alert alert-success share-invite"') :]
    invite = invite[: invite.index("</div>")]
    assert "You accepted" in invite
    assert reverse("share_redirect", args=[pending.public_id, "linkedin-profile"]) in invite
    assert "Add to LinkedIn profile" in invite
    assert 'class="messages"' not in response.text  # the invitation, and no second banner
    assert "share-invite" not in again.text


def test_accepting_with_a_private_profile_says_how_to_share(client, pending):
    pending.earner.profile_public = False
    pending.earner.save()
    client.force_login(pending.earner)

    response = client.post(reverse("award_accept", args=[pending.public_id]), follow=True)

    assert "Your profile is private, so only you can see it." in response.text
    assert "share_redirect" not in response.text and "/share/linkedin-profile/" not in response.text


def test_declining_then_restoring_returns_the_badge_to_the_choice(client, earner, pending):
    client.force_login(earner)

    client.post(reverse("award_decline", args=[pending.public_id]))
    pending.refresh_from_db()
    assert pending.state == AwardState.DECLINED

    response = client.post(reverse("award_restore", args=[pending.public_id]), follow=True)

    pending.refresh_from_db()
    assert pending.state == AwardState.PENDING
    assert pending.accepted_at is None
    assert "waiting for you: accept it or decline it" in response.text
    assert reverse("award_accept", args=[pending.public_id]) in response.text
    client.logout()
    assert client.get(reverse("award_public", args=[pending.public_id])).status_code == 404


def test_a_restored_badge_is_public_only_once_accepted(client, earner, pending):
    client.force_login(earner)
    for action in ("award_decline", "award_restore", "award_accept"):
        client.post(reverse(action, args=[pending.public_id]))
    client.logout()

    response = client.get(reverse("award_public", args=[pending.public_id]))

    assert response.status_code == 200


def test_restoring_is_only_for_a_declined_badge(client, earner, pending):
    client.force_login(earner)

    response = client.post(reverse("award_restore", args=[pending.public_id]), follow=True)

    pending.refresh_from_db()
    assert pending.state == AwardState.PENDING
    assert "This badge is still waiting for you to accept it." in response.text


def test_an_accepted_badge_cannot_be_declined(client, earner):
    award = AcceptedAwardFactory(earner=earner)
    client.force_login(earner)

    response = client.post(reverse("award_decline", args=[award.public_id]), follow=True)

    award.refresh_from_db()
    assert award.state == AwardState.ACCEPTED
    assert "You already accepted this badge." in response.text


def test_a_revoked_badge_cannot_be_accepted(client, earner, pending):
    award_revoke(award=pending, reason="Exam result withdrawn")
    client.force_login(earner)

    page = client.get(pending.get_absolute_url())
    client.post(reverse("award_accept", args=[pending.public_id]))

    pending.refresh_from_db()
    assert pending.state == AwardState.PENDING
    assert "Exam result withdrawn" in page.text


def test_state_changes_need_post(client, earner, pending):
    client.force_login(earner)

    response = client.get(reverse("award_accept", args=[pending.public_id]))

    assert response.status_code == 405
    pending.refresh_from_db()
    assert pending.state == AwardState.PENDING


@pytest.mark.parametrize(
    ("url_name", "method"),
    [("wallet_award", "get"), ("award_accept", "post"), ("award_decline", "post"), ("award_restore", "post")],
)
def test_another_user_gets_404_on_every_earner_url(client, pending, url_name, method):
    client.force_login(UserFactory())

    response = getattr(client, method)(reverse(url_name, args=[pending.public_id]))

    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.state == AwardState.PENDING


def test_staff_get_404_on_an_earner_page_too(client, pending):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(reverse("wallet_award", args=[pending.public_id])).status_code == 404


def test_the_owner_page_shows_the_recipient_nothing_else_leaks(client, earner, pending):
    other = AcceptedAwardFactory()
    client.force_login(earner)

    response = client.get(reverse("wallet"))

    assert other.recipient_email not in response.text
    assert other.template.name not in response.text
