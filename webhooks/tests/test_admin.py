"""Staff register endpoints (the secret shown once), see every delivery and resend one."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from badges.awards.services import award_issue
from badges.tests.factories import BadgeTemplateFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_endpoint_create
from webhooks.signing import secret_decrypt

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def template():
    return BadgeTemplateFactory()


def test_a_new_endpoint_shows_its_secret_once(staff_client, template):
    response = staff_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"issuer": template.issuer.pk, "url": "https://hooks.example.org/in", "events": ["award.issued"],
         "description": "", "is_active": "on"},
    )  # fmt: skip

    endpoint = WebhookEndpoint.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.text
    assert secret_decrypt(endpoint.secret_encrypted) == secret
    assert secret not in staff_client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])).text
    assert "secret_encrypted" not in LogEntry.objects.get_for_object(endpoint).get().changes_dict


@pytest.mark.parametrize(
    ("url", "message"),
    [("http://hooks.example.org/in", "must be https"), ("https://10.1.2.3/in", "private, loopback or link-local")],
)
def test_an_endpoint_must_be_public_https(staff_client, template, url, message):
    response = staff_client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"issuer": template.issuer.pk, "url": url, "events": ["award.issued"], "is_active": "on"},
    )

    assert message in response.text
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_list_shows_status_latency_and_attempts_and_resends(staff_client, template):
    webhook_endpoint_create(issuer=template.issuer, url="https://hooks.example.org/in", events=["award.issued"])
    award_issue(template=template, email="a@example.com", name="Ada")
    WebhookDelivery.objects.update(
        attempts=3, last_status_code=502, last_latency_ms=734, failed_at=timezone.now(), last_error="HTTP 502"
    )
    changelist = reverse("admin:webhooks_webhookdelivery_changelist")

    page = staff_client.get(changelist, {"state": "failed"}).text
    staff_client.post(
        changelist, {"action": "resend", "_selected_action": list(WebhookDelivery.objects.values_list("pk", flat=True))}
    )

    assert "502" in page and "734" in page and "award.issued" in page
    delivery = WebhookDelivery.objects.get()
    assert (delivery.failed_at, delivery.attempts) == (None, 0)


def test_rotating_the_secret_shows_the_new_one(staff_client, template):
    endpoint, old = webhook_endpoint_create(issuer=template.issuer, url="https://hooks.example.org/in",
                                            events=["award.issued"])  # fmt: skip

    response = staff_client.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
    )

    new = response.context["secret"]
    assert new != old and secret_decrypt(WebhookEndpoint.objects.get().secret_encrypted) == new
