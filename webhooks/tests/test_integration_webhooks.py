"""The real stack: an award issued through the API on PostgreSQL reaches the receiver through Redis and a
Celery worker; the rate limit is counted in Redis, shared by every process."""

import pytest
from django.core.cache import caches

from api.services import api_key_create
from api.tests.conftest import Api
from badgeportal.cache import RedisCache
from badgeportal.tests.stack import eventually
from badges.tests.factories import BadgeTemplateFactory
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_create

from .receiver import Receiver

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    receiver = Receiver()
    settings.WEBHOOK_ALLOW_PRIVATE = [receiver.address]
    yield receiver
    receiver.stop()


def test_an_award_issued_through_the_api_reaches_the_receiver_once(
    real_services, celery_worker_thread, receiver, client
):
    template = BadgeTemplateFactory()
    _, receiver.secret = webhook_endpoint_create(issuer=template.issuer, url=receiver.url, events=["award.issued"])
    _, raw_key = api_key_create(issuer=template.issuer, name="exam system", scopes=["awards:write"])
    api = Api(client, raw_key)
    body = {"template": template.slug, "email": "ada@example.com", "name": "Ada", "send_email": False}

    first = api.post("/api/v1/awards", body, idempotency_key="exam-1")
    replay = api.post("/api/v1/awards", body, idempotency_key="exam-1")

    assert first.status_code == replay.status_code == 201
    assert eventually(lambda: WebhookDelivery.objects.filter(delivered_at__isnull=False).exists(), timeout=20)
    assert receiver.event_ids() == [str(WebhookDelivery.objects.get().event_id)]
    assert receiver.accepted[0][1]["data"]["id"] == first.json()["id"]


def test_the_rate_limit_counts_in_redis(real_services, settings, client):
    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 2, 3600
    template = BadgeTemplateFactory()
    _, raw_key = api_key_create(issuer=template.issuer, name="exam system", scopes=["templates:read"])
    api = Api(client, raw_key)

    statuses = [api.get("/api/v1/templates").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert isinstance(caches["default"], RedisCache)
