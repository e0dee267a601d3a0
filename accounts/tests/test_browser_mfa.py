"""Two-factor authentication in a real browser: enrol an authenticator app, sign in with its code,
staff sent to set it up before the admin, and passkeys through Chromium's virtual authenticator."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _codes_survive_a_period_boundary(settings):
    # A code computed just before a 30-second step ends is still accepted after it.
    settings.MFA_TOTP_TOLERANCE = 1


def _sign_in_with_password(page, user, assert_accessible=None):
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    if assert_accessible:
        assert_accessible(page)
    page.get_by_role("button", name="Sign In", exact=True).click()


def _enrol_authenticator_app(page, assert_accessible):
    """From the two-factor page: confirm the password, scan (read) the secret, type the code."""
    page.get_by_role("link", name="Activate").click()
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Authenticator app activated.")).to_be_visible()
    assert_accessible(page)
    return secret


def test_enrol_an_authenticator_app_then_sign_in_with_its_code(browser_page, assert_accessible):
    user = UserFactory()
    page = browser_page
    page.goto(reverse("account_login"))
    _sign_in_with_password(page, user)
    page.get_by_role("link", name="Account").click()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_text("An authenticator app is not active.")).to_be_visible()
    assert_accessible(page)

    secret = _enrol_authenticator_app(page, assert_accessible)
    page.goto(reverse("mfa_view_recovery_codes"))
    assert page.get_by_label("Unused codes").input_value().count("\n") == 9
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto(reverse("account_login"))
    _sign_in_with_password(page, user)
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In", exact=True).click()

    page.wait_for_url("**" + reverse("wallet"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_staff_without_two_factor_land_on_its_setup_and_reach_the_admin_after(browser_page, assert_accessible):
    staff = UserFactory(is_staff=True, is_superuser=True, mfa=False)
    page = browser_page

    page.goto(reverse("admin:index"))
    _sign_in_with_password(page, staff, assert_accessible)

    page.wait_for_url("**" + reverse("mfa_index"))
    expect(page.get_by_text("Staff accounts need two-factor authentication")).to_be_visible()
    assert_accessible(page)
    _enrol_authenticator_app(page, assert_accessible)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def _virtual_authenticator(page):
    """Chromium's built-in authenticator: a passkey on this device, unlocked by the user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp


def test_add_a_passkey_then_sign_in_with_it_alone(browser_page, assert_accessible):
    user = UserFactory()
    page = browser_page
    _virtual_authenticator(page)
    page.goto(reverse("account_login"))
    assert_accessible(page)
    _sign_in_with_password(page, user)

    page.goto(reverse("mfa_add_webauthn"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add Security Key")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    assert_accessible(page)
    page.goto(reverse("mfa_list_webauthn"))
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto(reverse("account_login"))
    page.get_by_role("button", name="Sign in with a passkey").click()

    page.wait_for_url("**" + reverse("wallet"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
