"""With Redis unreachable the cache acts as an empty one, and the site keeps answering from the database.

No Redis is needed: the cache points at a port nothing listens on. The real outage (a redis-server killed
and restarted under a worker) is in `test_integration_redis_outage.py`.
"""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from badgeportal.tests.stack import free_port
from badges.awards.services import award_accept, award_issue, claim_token_create
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "badgeportal.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }


def test_the_cache_acts_as_an_empty_one_and_logs_the_outage_once(caplog):
    with caplog.at_level(logging.WARNING, logger="badgeportal.cache"):
        cache.set("page", b"<html>")
        assert cache.get("page", "missing") == "missing"
        assert cache.get_or_set("page", lambda: "built") == "built"
        assert cache.add("lock", True) is True
        assert cache.get_many(["page"]) == {}
        cache.delete_many(["page"])
        with pytest.raises(ValueError):
            cache.incr("count")

    assert [record.message for record in caplog.records].count(caplog.records[0].message) == 1
    assert "Redis cache unreachable" in caplog.records[0].message


def test_public_pages_and_open_badges_json_come_from_the_database(client):
    award = AcceptedAwardFactory()

    assert client.get(reverse("award_public", args=[award.public_id])).status_code == 200
    assert client.get(reverse("ob2_assertion", args=[award.public_id])).json()["id"].endswith(str(award.public_id))


def test_claiming_signing_in_and_accepting_work(client):
    award = AwardFactory(recipient_email="lin@example.com")
    user = UserFactory(email="lin@example.com")
    claim_url = reverse("claim", args=[claim_token_create(award=award)])

    assert client.get(claim_url).status_code == 200
    assert client.get(reverse("account_login")).status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.post(claim_url, {"action": "collect"}).status_code == 302
    award.refresh_from_db()
    award_accept(award=award)
    assert award.earner == user


def test_issuing_writes_the_award_and_its_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        award = award_issue(template=BadgeTemplateFactory(), email="kim@example.com", name="Kim Ode")

    assert OutboxEmail.objects.filter(payload__award_id=award.pk).exists()


def test_the_support_form_files_requests(client):
    assert client.get(reverse("support_contact")).status_code == 200

    response = client.post(
        reverse("support_contact"),
        {"name": "Lin Park", "email": "lin@example.com", "concerning": "AZ-104", "message": "Link expired."},
    )

    assert response.status_code == 302
    assert OutboxEmail.objects.filter(kind="support_ack", to="lin@example.com").exists()


def test_rate_limits_let_requests_through(client, settings):
    settings.CLAIM_RATE_LIMIT = "1/m"
    claim_url = reverse("claim", args=[claim_token_create(award=AwardFactory())])

    statuses = [client.get(claim_url).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
