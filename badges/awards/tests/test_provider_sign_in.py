"""Sign-in with Microsoft or LinkedIn, end to end against a local OpenID Connect provider.

An address the provider marks verified collects the badges waiting for it; an unverified one waits for
the usual confirmation email; an address that already has an account is never signed in to through a
provider (SOCIALACCOUNT_EMAIL_AUTHENTICATION is off).
"""

import re

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from accounts.tests.oidc_provider import OpenIDProvider
from badges.tests.factories import AwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with OpenIDProvider() as provider:
        # Configured as settings.py configures the real ones, but pointing at the local provider.
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "APPS": [
                    provider.app("microsoft", "Microsoft", oauth_pkce_enabled=True),
                    provider.app("linkedin", "LinkedIn"),
                ]
            }
        }
        yield provider


def _sign_in_with(client, provider_name, page=None):
    """Press the provider's button on `page` (the sign-in page by default) and follow the round trip."""
    html = client.get(page or reverse("account_login")).text
    button = re.search(rf'formaction="([^"]+)">Continue with {provider_name}<', html)
    to_provider = client.post(button.group(1).replace("&amp;", "&"))
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    return client.get(back.headers["Location"], follow=True)


def _signed_in_user(client):
    return client.get(reverse("wallet")).wsgi_request.user


def test_the_sign_in_and_sign_up_pages_offer_each_configured_provider(client, provider):
    for page in (reverse("account_login"), reverse("account_signup")):
        html = client.get(page).text

        assert "Continue with Microsoft</button>" in html
        assert "Continue with LinkedIn</button>" in html
        assert 'name="csrfmiddlewaretoken"' in html.split('class="provider-list"')[1]


def test_no_provider_button_without_a_configured_provider(client):
    html = client.get(reverse("account_login")).text

    assert "Continue with" not in html


def test_the_account_page_links_to_connected_accounts_only_when_a_provider_is_configured(client, settings):
    client.force_login(UserFactory())
    assert reverse("socialaccount_connections") not in client.get(reverse("profile_settings")).text

    with OpenIDProvider() as provider:
        settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [provider.app("linkedin", "LinkedIn")]}}
        html = client.get(reverse("profile_settings")).text

    assert reverse("socialaccount_connections") in html
    assert "sign in with LinkedIn too" in html


@pytest.mark.parametrize("provider_name", ["Microsoft", "LinkedIn"])
def test_a_verified_address_signs_up_and_collects_its_pending_badges(client, provider, provider_name):
    award = AwardFactory(recipient_email="lin@example.com")
    provider.sign_in_as("Lin@Example.com", verified=True, name="Lin Park")

    response = _sign_in_with(client, provider_name)

    user = _signed_in_user(client)
    assert user.email == "lin@example.com"
    assert user.full_name == "Lin Park"
    assert response.request["PATH_INFO"] == reverse("wallet")
    award.refresh_from_db()
    assert award.earner == user
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == provider_name.lower()


def test_an_unverified_address_collects_nothing_until_confirmed_by_email(client, provider):
    award = AwardFactory(recipient_email="lin@example.com")
    provider.sign_in_as("lin@example.com", verified=False)

    response = _sign_in_with(client, "LinkedIn")

    assert not _signed_in_user(client).is_authenticated
    assert "Verify Your Email Address" in response.text
    award.refresh_from_db()
    assert award.earner is None
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["lin@example.com"]
    client.post(re.search(r"testserver(/accounts/confirm-email/\S+)", confirmation.body).group(1))
    award.refresh_from_db()
    assert award.earner.email == "lin@example.com"


def test_a_later_sign_in_collects_an_address_the_provider_has_verified_since(client, provider):
    award = AwardFactory(recipient_email="lin@example.com")
    provider.sign_in_as("lin@example.com", verified=False, sub="lin-1")
    _sign_in_with(client, "LinkedIn")

    provider.sign_in_as("lin@example.com", verified=True, sub="lin-1")
    _sign_in_with(client, "LinkedIn")

    user = _signed_in_user(client)
    assert user.email == "lin@example.com"
    award.refresh_from_db()
    assert award.earner == user


@pytest.mark.parametrize("verified", [True, False], ids=["verified", "unverified"])
def test_an_address_that_has_an_account_never_signs_in_to_it_through_a_provider(client, provider, verified):
    owner = UserFactory(email="lin@example.com")
    provider.sign_in_as("lin@example.com", verified=verified)

    _sign_in_with(client, "Microsoft")

    assert not _signed_in_user(client).is_authenticated
    assert get_user_model().objects.count() == 1
    assert not SocialAccount.objects.exists()
    assert owner.has_usable_password()
    # allauth tells the owner instead, without telling the visitor that the account exists.
    assert mail.outbox[-1].to == ["lin@example.com"]
    assert "already" in mail.outbox[-1].body


def test_connecting_a_provider_collects_the_address_it_verified(client, provider):
    user = UserFactory(email="lin.work@example.com")
    award = AwardFactory(recipient_email="lin@example.com")
    provider.sign_in_as("lin@example.com", verified=True)
    client.force_login(user)

    html = client.get(reverse("socialaccount_connections")).text
    button = re.search(r'formaction="([^"]+)">Connect Microsoft<', html).group(1).replace("&amp;", "&")
    back = requests.get(client.post(button)["Location"], allow_redirects=False, timeout=5)
    client.get(back.headers["Location"])

    assert SocialAccount.objects.get().user == user
    assert EmailAddress.objects.get(email="lin@example.com").user == user
    award.refresh_from_db()
    assert award.earner == user


def test_a_provider_cannot_move_an_address_verified_on_another_account(client, provider):
    owner = UserFactory(email="lin@example.com")
    award = AwardFactory(recipient_email="lin@example.com", earner=owner)
    user = UserFactory()
    provider.sign_in_as("lin@example.com", verified=True)
    client.force_login(user)

    html = client.get(reverse("socialaccount_connections")).text
    button = re.search(r'formaction="([^"]+)">Connect Microsoft<', html).group(1).replace("&amp;", "&")
    back = requests.get(client.post(button)["Location"], allow_redirects=False, timeout=5)
    client.get(back.headers["Location"])

    assert EmailAddress.objects.get(email="lin@example.com").user == owner
    assert not EmailAddress.objects.filter(user=user, email="lin@example.com").exists()
    award.refresh_from_db()
    assert award.earner == owner


def test_signing_in_with_a_provider_from_a_claim_page_finishes_that_claim(client, provider):
    from badges.awards.services import claim_token_create

    award = AwardFactory(recipient_email="lin@example.com")
    login_page = client.post(reverse("claim", args=[claim_token_create(award=award)]), {"action": "login"})
    provider.sign_in_as("lin.personal@example.com", verified=True)

    response = _sign_in_with(client, "Microsoft", page=login_page["Location"])

    assert "is in your wallet" in response.text
    award.refresh_from_db()
    assert award.earner.email == "lin.personal@example.com"
    assert not EmailAddress.objects.filter(email="lin@example.com").exists()


def test_a_provider_error_shows_allauths_error_page_and_signs_nobody_in(client, provider):
    provider.sign_in_as("lin@example.com", verified=True)
    html = client.get(reverse("account_login")).text
    button = re.search(r'formaction="([^"]+)">Continue with LinkedIn<', html).group(1).replace("&amp;", "&")
    back = requests.get(client.post(button)["Location"], allow_redirects=False, timeout=5)
    provider.codes.clear()  # the code expired at the provider before we traded it

    response = client.get(back.headers["Location"])

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.text
    assert not _signed_in_user(client).is_authenticated
