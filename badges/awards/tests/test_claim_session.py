"""A claim started on the claim page is finished only by the sign-in it started, in the same browser, soon."""

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from badges.awards.claim_session import SESSION_KEY
from badges.awards.services import claim_token_create
from badges.models import ClaimToken
from badges.tests.factories import AwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    return AwardFactory(recipient_email="lin@example.com")


@pytest.fixture
def login_page(client, award):
    """Someone opened the claim link, chose Sign in, and stands on the sign-in page it led to."""
    response = client.post(reverse("claim", args=[claim_token_create(award=award)]), {"action": "login"})
    return response["Location"]


def _sign_in(client, url, user):
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    return client.get(response["Location"], follow=True)


def _assert_unclaimed(award):
    award.refresh_from_db()
    assert award.earner is None
    assert ClaimToken.objects.get(award=award).used_at is None


def test_the_sign_in_started_from_the_claim_page_finishes_the_claim(client, award, login_page):
    user = UserFactory()

    _sign_in(client, login_page, user)

    award.refresh_from_db()
    assert award.earner == user


def test_a_sign_in_that_did_not_start_from_the_claim_page_leaves_the_claim_alone(client, award, login_page):
    # The claimer walked away; the next person at this browser signs in from the header link.
    response = _sign_in(client, reverse("account_login"), UserFactory())

    assert "is in your wallet" not in response.text
    _assert_unclaimed(award)


def test_a_claim_left_longer_than_the_setting_is_not_finished(client, settings, award, login_page):
    settings.CLAIM_SESSION_MINUTES = 15
    session = client.session
    session[SESSION_KEY]["started_at"] -= 15 * 60 + 1
    session.save()

    response = _sign_in(client, login_page, UserFactory())

    assert "Open the link in your email again" in response.text
    _assert_unclaimed(award)


def test_signing_out_forgets_an_unfinished_claim(client, award, login_page):
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))

    response = _sign_in(client, login_page, UserFactory())

    assert SESSION_KEY not in client.session
    assert "Open the link in your email again" in response.text
    _assert_unclaimed(award)


def test_a_claim_is_finished_once(client, award, login_page):
    user = UserFactory()
    _sign_in(client, login_page, user)

    response = client.get(reverse("claim_finish"), follow=True)

    assert "Open the link in your email again" in response.text
    award.refresh_from_db()
    assert award.earner == user


def test_the_finish_page_asks_a_visitor_to_sign_in(client, award, login_page):
    response = client.get(reverse("claim_finish"))

    assert response["Location"].startswith(reverse("account_login"))
    _assert_unclaimed(award)
