"""Only the earner of an accepted, unrevoked badge sees its Jobs and Salary tabs."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

from .helpers import accepted_award, award_in_state

pytestmark = pytest.mark.django_db

TABS = ["award_jobs", "award_salary"]


@pytest.mark.parametrize("tab", TABS)
def test_the_owner_of_an_accepted_badge_sees_the_tab(client, tab):
    award = accepted_award()
    client.force_login(award.earner)

    response = client.get(reverse(tab, args=[award.public_id]))

    assert response.status_code == 200
    assert b"Only you can see this page." in response.content
    assert b'aria-current="page"' in response.content


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize(
    ("state", "explanation"),
    [
        ("pending", b"Accept badge"),
        ("declined", b"Restore badge"),
        ("revoked", b"revoked by its issuer"),
    ],
)
def test_the_owner_of_a_badge_not_accepted_gets_the_unlock_page(client, tab, state, explanation):
    award = award_in_state(state)
    client.force_login(award.earner)

    response = client.get(reverse(tab, args=[award.public_id]))

    assert response.status_code == 200
    assert b"Unlock jobs and salary data" in response.content
    assert explanation in response.content


@pytest.mark.parametrize("tab", TABS)
def test_another_earner_gets_404(client, tab):
    award = accepted_award()
    client.force_login(accepted_award().earner)

    response = client.get(reverse(tab, args=[award.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("tab", TABS)
def test_staff_get_404(client, tab):
    award = accepted_award()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse(tab, args=[award.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("tab", [*TABS, "saved_jobs"])
def test_anonymous_visitors_are_sent_to_sign_in(client, tab):
    args = [accepted_award().public_id] if tab in TABS else []
    url = reverse(tab, args=args)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_the_badge_page_links_the_tabs_of_an_accepted_badge(client):
    award = accepted_award()
    client.force_login(award.earner)

    response = client.get(award.get_absolute_url())

    assert reverse("award_jobs", args=[award.public_id]).encode() in response.content
    assert reverse("award_salary", args=[award.public_id]).encode() in response.content


def test_the_badge_page_of_a_pending_badge_has_no_tabs(client):
    award = award_in_state("pending")
    client.force_login(award.earner)

    response = client.get(award.get_absolute_url())

    assert reverse("award_jobs", args=[award.public_id]).encode() not in response.content


def test_signed_in_navigation_links_saved_jobs(client):
    client.force_login(UserFactory())

    response = client.get(reverse("wallet"))

    assert reverse("saved_jobs").encode() in response.content
