import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from badges.models import Issuer


class WebhookEvent(models.TextChoices):
    ISSUED = "award.issued", "award.issued: an award was created"
    CLAIMED = "award.claimed", "award.claimed: the earner collected it into an account"
    ACCEPTED = "award.accepted", "award.accepted: the earner accepted it"
    DECLINED = "award.declined", "award.declined: the earner declined it"
    REVOKED = "award.revoked", "award.revoked: the issuer revoked it"
    EXPIRED = "award.expired", "award.expired: its expiry date passed"


class WebhookEndpoint(models.Model):
    """Where an issuer's program hears about its awards. The signing secret is shown once and stored
    encrypted (`webhooks.signing`): it must be usable to sign, so it cannot be hashed."""

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField("URL", max_length=500)
    events = models.JSONField(default=list, help_text="The events sent to this endpoint.")
    description = models.CharField(max_length=200, blank=True)
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(default=True, help_text="Off: nothing is written or sent for this endpoint.")
    # The first failure of the current run of failures; a success clears it. Failing for WEBHOOK_FAIL_AFTER_SECONDS
    # turns the endpoint off (disabled_at) and tells staff.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issuer", "url"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return f"{self.issuer}: {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "pending"
    DELIVERED = "delivered", "delivered"
    FAILED = "failed", "failed"


STATE_Q = {
    DeliveryState.PENDING: Q(delivered_at__isnull=True, failed_at__isnull=True),
    DeliveryState.DELIVERED: Q(delivered_at__isnull=False),
    DeliveryState.FAILED: Q(delivered_at__isnull=True, failed_at__isnull=False),
}


class WebhookDeliveryQuerySet(models.QuerySet):
    def in_state(self, state):
        return self.filter(STATE_Q[state])

    def due(self, now):
        return self.in_state(DeliveryState.PENDING).filter(next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event for one endpoint, written in the transaction of the change it reports (an outbox).

    `event_id` is the Standard Webhooks `webhook-id`: the same on every attempt and resend, so a receiver
    drops repeats. The table is the schedule, as in the email outbox: a row is due once `next_attempt_at` passes.
    """

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A delivery still failing at this time is given up (failed); a resend by staff sets it again.
    give_up_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_one_per_event"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=STATE_Q[DeliveryState.PENDING], name="webhook_delivery_due_idx"
            ),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id} to {self.endpoint_id}"

    @property
    def state(self):
        if self.delivered_at is not None:
            return DeliveryState.DELIVERED
        return DeliveryState.FAILED if self.failed_at is not None else DeliveryState.PENDING
