"""Staff sign in through allauth: the admin's own login form, with no rate limit or lockout, is gone."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def _next_of(response):
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    return parse_qs(location.query)["next"][0]


def test_admin_login_page_sends_to_the_sign_in_page_keeping_next(client):
    response = client.get(reverse("admin:login") + "?next=/admin/badges/award/")

    assert response.status_code == 302
    assert _next_of(response) == "/admin/badges/award/"


def test_admin_pages_reach_the_sign_in_page_through_the_admin_login(client):
    response = client.get("/admin/badges/award/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.context["form"].__class__.__name__ == "LoginForm"


def test_an_offsite_next_is_never_passed_on(client):
    response = client.get(reverse("admin:login") + "?next=https://evil.example/")

    assert _next_of(response).startswith("/")


def test_an_offsite_next_ends_at_the_admin_after_sign_in(client, staff):
    next_url = _next_of(client.get(reverse("admin:login") + "?next=https://evil.example/"))
    client.force_login(staff)

    response = client.get(next_url)

    assert response["Location"] == reverse("admin:index")


def test_posting_a_password_to_the_admin_login_signs_nobody_in(client, staff):
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_login_respects_allauths_lockout(client, staff, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/key"}
    for _ in range(2):
        client.post(reverse("account_login"), {"login": staff.email, "password": "wrong"})

    client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    locked = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in locked.content.decode()


def test_a_signed_in_earner_is_refused_the_admin_in_our_design(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
