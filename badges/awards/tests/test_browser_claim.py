"""Claim journeys in a real browser: by creating an account, by signing in to another, through a provider."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.oidc_provider import OpenIDProvider
from badges.awards.services import claim_token_create
from badges.models import Award, AwardState
from badges.tests.factories import AwardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_claim_create_account_accept_and_see_it_in_the_wallet(browser_page, assert_accessible):
    award = AwardFactory(recipient_email="rita@example.com", recipient_name="Rita Levi", template__name="Data Analyst")
    page = browser_page

    page.goto(reverse("claim", args=[claim_token_create(award=award)]))
    expect(page.get_by_role("heading", name="Congratulations, Rita Levi")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Create account").click()

    # The award knows the name and the address: the form is filled in.
    assert page.get_by_label("Email").input_value() == "rita@example.com"
    assert page.get_by_label("Full name").input_value() == "Rita Levi"
    assert_accessible(page)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    # Straight to the badge, to accept it, with one banner saying what happened.
    page.wait_for_url("**" + award.get_absolute_url())
    assert page.locator(".messages .alert").all_inner_texts() == [
        "“Data Analyst” is in your wallet. Accept it to show it to the world."
    ]
    assert_accessible(page)
    page.get_by_role("button", name="Accept badge").click()

    # Accepting invites sharing, LinkedIn's Add to profile first.
    invite = page.get_by_role("status").filter(has_text="You accepted “Data Analyst”")
    expect(invite.get_by_role("link", name="Add to LinkedIn profile")).to_be_visible()
    assert page.locator(".messages").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="My badges").first.click()
    accepted = page.get_by_role("region", name="Accepted")
    expect(accepted.get_by_text("Data Analyst")).to_be_visible()
    assert Award.objects.get(pk=award.pk).state == AwardState.ACCEPTED


def test_claim_then_sign_in_as_another_account_collects_the_badge_without_the_address(browser_page, assert_accessible):
    award = AwardFactory(recipient_email="rita@example.com", recipient_name="Rita Levi", template__name="Data Analyst")
    UserFactory(email="rita.personal@example.com")
    page = browser_page

    page.goto(reverse("claim", args=[claim_token_create(award=award)]))
    add_address = page.get_by_label("Also add rita@example.com to my account")
    assert not add_address.is_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_label("Email").fill("rita.personal@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()

    page.wait_for_url("**" + award.get_absolute_url())
    expect(page.get_by_text("“Data Analyst” is in your wallet")).to_be_visible()
    expect(page.get_by_role("button", name="Accept badge")).to_be_visible()
    assert Award.objects.get(pk=award.pk).earner.email == "rita.personal@example.com"
    assert not EmailAddress.objects.filter(email="rita@example.com").exists()


def test_sign_up_with_a_provider_that_verified_the_address_finds_the_badge_waiting(
    browser_page, assert_accessible, settings
):
    AwardFactory(recipient_email="rita@example.com", template__name="Data Analyst")
    page = browser_page

    with OpenIDProvider() as provider:
        settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [provider.app("linkedin", "LinkedIn")]}}
        provider.sign_in_as("rita@example.com", verified=True, name="Rita Levi")
        page.goto(reverse("account_signup"))
        assert_accessible(page)
        page.get_by_role("button", name="Continue with LinkedIn").click()
        page.wait_for_url("**" + reverse("wallet"))

    expect(page.get_by_role("link", name="Data Analyst")).to_be_visible()
    assert_accessible(page)
