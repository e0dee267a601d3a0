"""Failed sign-ins slow down guessing without letting a stranger lock a person out of their account."""

import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.known_devices import COOKIE
from accounts.services import LOGIN_FAILURES_EMAIL
from accounts.tests.factories import PASSWORD, UserFactory
from outbox.models import OutboxEmail
from outbox.registry import render

pytestmark = pytest.mark.django_db

REFUSED = "Too many failed login attempts"


def _attempt(client, email, password="wrong", ip="198.51.100.1"):
    response = client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)
    if "_auth_user_id" in client.session:
        client.post(reverse("account_logout"))  # as a person would: the browser keeps its cookies
    return response


def _refused(response):
    return REFUSED in response.content.decode()


def _signed_in(response):
    return response.status_code == 302 and response["Location"] == reverse("wallet")


def _stranger_fails(client, email, times):
    """A stranger spread over many addresses, so only the account's own limit applies."""
    for n in range(times):
        _attempt(client, email, ip=f"203.0.113.{n}")


@pytest.fixture
def owner(settings):
    # Three failures lock an account here rather than the default twenty, to keep the tests short.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/5m/ip,3/15m/key"}
    return UserFactory()


@pytest.fixture
def owners_browser(client, owner):
    assert _signed_in(_attempt(client, owner.email, PASSWORD))
    assert COOKIE in client.cookies
    return client


def test_a_stranger_locks_the_account_for_unknown_browsers_but_not_for_the_owners(client, owner, owners_browser):
    stranger = Client()
    _stranger_fails(stranger, owner.email, 3)

    assert _refused(_attempt(stranger, owner.email, PASSWORD, ip="192.0.2.50"))
    assert _signed_in(_attempt(owners_browser, owner.email, PASSWORD))


def test_a_known_browser_fails_against_a_budget_of_its_own_and_it_runs_out_too(owner, owners_browser):
    _stranger_fails(owners_browser, owner.email, 3)

    assert _refused(_attempt(owners_browser, owner.email, PASSWORD))
    assert _signed_in(_attempt(Client(), owner.email, PASSWORD))


def test_a_browser_known_to_one_account_is_a_stranger_to_another(owners_browser):
    other = UserFactory()
    _stranger_fails(owners_browser, other.email, 3)

    assert _refused(_attempt(owners_browser, other.email, PASSWORD))


def test_a_forged_device_cookie_is_ignored(client, owner):
    client.cookies[COOKIE] = f"forged:{owner.pk}"
    _stranger_fails(client, owner.email, 3)

    assert _refused(_attempt(client, owner.email, PASSWORD))


def test_one_client_address_is_cut_off_after_ten_failures_whatever_the_accounts(client):
    owner = UserFactory()
    for n in range(10):
        _attempt(client, f"guess{n}@example.com", ip="192.0.2.7")

    assert _refused(_attempt(client, owner.email, PASSWORD, ip="192.0.2.7"))
    assert _signed_in(_attempt(client, owner.email, PASSWORD, ip="192.0.2.8"))


@pytest.fixture
def clock(monkeypatch):
    """allauth's rate-limit clock, moved by hand; its locks keep real time."""
    now = [time.time()]
    fake = SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", fake)

    def advance(seconds):
        now[0] += seconds

    return advance


def test_the_wait_grows_with_the_failures_from_one_address(client, clock):
    owner = UserFactory()

    def fail(times):
        for n in range(times):
            _attempt(client, f"guess{n}@example.com", ip="192.0.2.7")

    def refused():
        return _refused(_attempt(client, owner.email, PASSWORD, ip="192.0.2.7"))

    fail(10)
    assert refused()
    clock(5 * 60)
    assert not refused()  # ten failures cost five minutes

    fail(10)
    clock(5 * 60)
    fail(10)
    assert refused()
    clock(5 * 60)
    assert refused()  # thirty failures within the hour cost the rest of the hour
    clock(60 * 60)
    assert not refused()


def test_the_owner_hears_once_when_failures_reach_the_threshold(client, owner, settings):
    settings.LOGIN_FAILURE_ALERT_THRESHOLD = 3

    _stranger_fails(client, owner.email.upper(), 3)
    _stranger_fails(client, owner.email, 5)

    row = OutboxEmail.objects.get(kind=LOGIN_FAILURES_EMAIL)
    assert row.to == owner.email
    message = render(row)
    assert "with a wrong password 3 times" in message.body
    assert settings.SITE_URL + reverse("account_reset_password") in message.body
    assert settings.SITE_URL + reverse("mfa_index") in message.body


def test_failures_for_an_address_without_an_account_email_nobody(client, settings):
    settings.LOGIN_FAILURE_ALERT_THRESHOLD = 3

    _stranger_fails(client, "nobody@example.com", 5)

    assert not OutboxEmail.objects.exists()


def test_resetting_the_password_lifts_the_accounts_lock(client, owner, mailoutbox):
    new_password = "a new horse battery staple"
    _stranger_fails(client, owner.email, 3)

    client.post(reverse("account_reset_password"), {"email": owner.email})
    link = next(word for word in mailoutbox[-1].body.split() if "/password/reset/key/" in word)
    set_password_page = client.get(urlsplit(link).path, follow=True).redirect_chain[-1][0]
    client.post(set_password_page, {"password1": new_password, "password2": new_password})

    assert _signed_in(_attempt(client, owner.email, new_password, ip="192.0.2.60"))
