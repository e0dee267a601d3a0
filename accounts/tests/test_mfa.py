"""Two-factor authentication for everyone; staff cannot open the admin without it."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from accounts.tests.factories import UserFactory, reauthenticate, sign_in, totp_code, totp_enable

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True, mfa=False)


@pytest.mark.parametrize("path", ["/admin/", "/admin/badges/award/", "/admin/password_change/"])
def test_staff_without_mfa_are_sent_to_set_it_up_before_any_admin_page(client, staff, path):
    client.force_login(staff)

    response = client.get(path, follow=True)

    assert response.redirect_chain == [(reverse("mfa_index"), 302)]
    assert "Staff accounts need two-factor authentication" in response.content.decode()


def test_recovery_codes_alone_do_not_count_as_a_second_factor(client, staff):
    RecoveryCodes.activate(staff)
    client.force_login(staff)

    assert client.get("/admin/")["Location"] == reverse("mfa_index")


def _add_security_key(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={})


@pytest.mark.parametrize("enable", [totp_enable, _add_security_key])
def test_staff_with_an_authenticator_app_or_a_security_key_open_the_admin(client, staff, enable):
    enable(staff)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_staff_without_mfa_still_reach_the_setup_pages_the_site_and_sign_out(client, staff):
    client.force_login(staff)

    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("wallet")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_requirement_can_be_switched_off(client, staff, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_sign_in_with_an_authenticator_app_asks_for_the_code_after_the_password(client):
    user = UserFactory()
    secret = totp_enable(user)

    response = sign_in(client, user)

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong_code = f"{(int(totp_code(secret)) + 1) % 10**6:06d}"
    wrong = client.post(reverse("mfa_authenticate"), {"code": wrong_code})
    assert "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_recovery_code_replaces_a_lost_authenticator_once(client):
    user = UserFactory()
    totp_enable(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]

    sign_in(client, user)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)

    client.post(reverse("account_logout"))
    sign_in(client, user)
    reused = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in client.session
    assert "Incorrect code" in reused.content.decode()


def test_enrolling_an_authenticator_app_stores_its_secret_encrypted(client):
    user = UserFactory()
    client.force_login(user)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert secret not in str(authenticator.data)
    assert TOTP(authenticator).validate_code(totp_code(secret))


@pytest.mark.parametrize("name", ["mfa_index", "mfa_activate_totp", "mfa_add_webauthn"])
def test_two_factor_pages_render_in_the_site_design_with_the_account_navigation(client, name):
    client.force_login(UserFactory())
    reauthenticate(client)

    response = client.get(reverse(name))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in content
    assert '<nav aria-label="Account">' in content


def test_account_page_links_to_two_factor_authentication(client):
    client.force_login(UserFactory())

    assert reverse("mfa_index") in client.get(reverse("profile_settings")).content.decode()


def test_the_login_page_offers_a_passkey(client):
    assert "Sign in with a passkey" in client.get(reverse("account_login")).content.decode()
