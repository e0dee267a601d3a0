"""Deleting an account clears the person from the webhook payloads we keep (delivered or waiting)."""

from .models import WebhookDelivery

CLEARED = {"recipient_email": "", "recipient_name": ""}


def webhook_payloads_clear(*, user, addresses):
    """Blank the name and address in every payload about an award sent to one of `addresses`. The issuer's
    program heard them already; our copy keeps the event, its award id and dates. Runs after badges has
    anonymised the awards, so it finds them by address."""
    deliveries = list(WebhookDelivery.objects.filter(payload__data__recipient_email__in=addresses))
    for delivery in deliveries:
        delivery.payload["data"].update(CLEARED)
    WebhookDelivery.objects.bulk_update(deliveries, ["payload"], batch_size=500)
    return {"webhook_payloads_cleared": len(deliveries)}
