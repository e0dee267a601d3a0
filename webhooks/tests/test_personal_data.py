"""Deleting an account clears the person from the webhook payloads and the API answers kept for replays."""

import json

import pytest

from accounts.services import account_delete
from accounts.tests.factories import UserFactory
from api.models import IdempotencyKey
from api.services import api_key_create
from api.tests.conftest import Api
from badges.awards.services import award_issue
from badges.tests.factories import BadgeTemplateFactory
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db


def test_deleting_an_account_clears_its_name_and_address_from_webhooks_and_api_answers(client):
    template = BadgeTemplateFactory()
    webhook_endpoint_create(issuer=template.issuer, url="https://hooks.example.org/in", events=["award.issued"])
    _, raw_key = api_key_create(issuer=template.issuer, name="exam", scopes=["awards:write"])
    user = UserFactory(full_name="Kim Ode")
    Api(client, raw_key).post("/api/v1/awards", {"template": template.slug, "email": user.email, "name": "Kim Ode"})
    award_issue(template=template, email="someone@example.com", name="Someone Else")

    account_delete(user=user)

    payloads = [delivery.payload["data"] for delivery in WebhookDelivery.objects.order_by("pk")]
    assert [(data["recipient_email"], data["recipient_name"]) for data in payloads] == [
        ("", ""), ("someone@example.com", "Someone Else")
    ]  # fmt: skip
    assert user.email not in json.dumps(list(IdempotencyKey.objects.values_list("response", flat=True)))
    assert not IdempotencyKey.objects.exists()
