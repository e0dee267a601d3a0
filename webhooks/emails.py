from django.conf import settings
from django.urls import reverse

from outbox.registry import templated_email

from .models import WebhookEndpoint


def render_endpoint_disabled_email(row):
    endpoint = WebhookEndpoint.objects.select_related("issuer").filter(pk=row.payload["endpoint_id"]).first()
    if endpoint is None or endpoint.is_active:
        return None  # deleted, or switched back on since: nothing to say
    return templated_email(
        to=row.to,
        template="webhooks/email/endpoint_disabled",
        context={
            "endpoint": endpoint,
            "fail_hours": round(settings.WEBHOOK_FAIL_AFTER_SECONDS / 3600, 1),
            "admin_url": settings.SITE_URL + reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        },
    )
