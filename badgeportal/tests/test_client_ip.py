"""Rate limits count by the client's address, also behind a proxy, and a client cannot choose its bucket."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badgeportal.client_ip import client_ip

PROXY = "10.0.0.1"


def _request(xff=None, remote_addr=PROXY):
    headers = {"REMOTE_ADDR": remote_addr}
    if xff is not None:
        headers["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **headers)


def test_direct_connection_uses_the_peer_address_and_ignores_forwarded_for(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(xff="203.0.113.7", remote_addr="198.51.100.2")) == "198.51.100.2"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request(xff="203.0.113.7")) == "203.0.113.7"


def test_a_spoofed_entry_in_front_does_not_choose_the_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request(xff="192.0.2.99, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request(xff="192.0.2.99, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


@pytest.mark.parametrize("xff", [None, "", "not-an-address", "2001:db8::1]:443"])
def test_a_missing_or_malformed_header_falls_back_to_the_peer_address(settings, xff):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request(xff=xff)) == PROXY


def test_fewer_entries_than_proxies_falls_back_to_the_peer_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request(xff="203.0.113.7")) == PROXY


def _claim(client, xff):
    return client.get(reverse("claim", args=["no-such-token"]), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff)


@pytest.mark.django_db
def test_django_ratelimit_gives_each_client_behind_the_proxy_its_own_bucket(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLAIM_RATE_LIMIT = "2/m"

    assert [_claim(client, "203.0.113.7").status_code for _ in range(3)][-1] == 429
    assert _claim(client, "203.0.113.8").status_code != 429
    # Writing someone else's address in front does not escape one's own bucket.
    assert _claim(client, "203.0.113.8, 203.0.113.7").status_code == 429


@pytest.mark.django_db
def test_django_ratelimit_on_a_direct_connection_ignores_forwarded_for(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.CLAIM_RATE_LIMIT = "2/m"

    _claim(client, "203.0.113.7")
    _claim(client, "203.0.113.8")

    assert _claim(client, "203.0.113.9").status_code == 429


def _failed_login(client, xff, email="someone@example.com"):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=xff,
    )


def _refused(response):
    return "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_allauth_gives_each_client_behind_the_proxy_its_own_bucket(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    user = UserFactory()

    _failed_login(client, "203.0.113.7", user.email)
    _failed_login(client, "203.0.113.7", user.email)

    assert _refused(_failed_login(client, "203.0.113.7", user.email))
    assert not _refused(_failed_login(client, "203.0.113.8", user.email))
    assert _refused(_failed_login(client, "203.0.113.8, 203.0.113.7", user.email))


@pytest.mark.django_db
def test_allauth_on_a_direct_connection_ignores_forwarded_for(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}

    _failed_login(client, "203.0.113.7")
    _failed_login(client, "203.0.113.8")

    assert _refused(_failed_login(client, "203.0.113.9"))


def test_behind_proxy_trusts_one_proxy_unless_told_otherwise(settings):
    from badgeportal.tests.test_settings import _manage

    show = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"]

    assert settings.TRUSTED_PROXY_COUNT == 0  # the default: a direct connection
    assert _manage(*show, env={"BEHIND_PROXY": "True"}).stdout.strip() == "1"
