"""Failed sign-ins on the real stack: limits counted in Redis, the warning sent by a worker over SMTP."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from badgeportal.tests.stack import plain_text, wait_until_sent

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_stranger_is_slowed_the_owner_warned_once_and_still_let_in(
    real_services, smtp_inbox, celery_worker_thread, settings
):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/5m/ip,4/15m/key"}
    settings.LOGIN_FAILURE_ALERT_THRESHOLD = 3
    owner = UserFactory(email="mae@example.com")
    owners_browser, stranger = Client(), Client()
    owners_browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})
    owners_browser.post(reverse("account_logout"))

    for n in range(6):
        stranger.post(
            reverse("account_login"), {"login": owner.email, "password": f"guess-{n}"}, REMOTE_ADDR=f"203.0.113.{n}"
        )
    refused = stranger.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})
    let_in = owners_browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})

    assert "Too many failed login attempts" in refused.content.decode()
    assert let_in["Location"] == reverse("wallet")
    assert wait_until_sent({"kind": "login_failures"})
    messages = smtp_inbox.wait_for(1)
    assert messages[0]["To"] == "mae@example.com"
    assert messages[0]["Subject"] == "Failed sign-ins to your badgeportal account"
    assert "with a wrong password 3 times in the last day" in plain_text(messages[0])
    assert len(smtp_inbox.wait_for(2, timeout=2)) == 1
