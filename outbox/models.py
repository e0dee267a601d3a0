from django.db import models
from django.db.models import BigIntegerField, F, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone


class OutboxState(models.TextChoices):
    PENDING = "pending", "pending"
    SENT = "sent", "sent"
    FAILED = "failed", "failed"


# The award an email is about, for apps whose payload names one (`{"award_id": 7}`): the award's history in
# admin and the dashboard's email figures join on it, so it is indexed.
PAYLOAD_AWARD_ID = Cast(KT("payload__award_id"), BigIntegerField())

# Each state as a filter on the timestamps that decide it; the queryset and the admin filter use these.
STATE_Q = {
    OutboxState.PENDING: Q(sent_at__isnull=True, failed_at__isnull=True),
    OutboxState.SENT: Q(sent_at__isnull=False),
    OutboxState.FAILED: Q(sent_at__isnull=True, failed_at__isnull=False),
}


class OutboxEmailQuerySet(models.QuerySet):
    def in_state(self, state):
        return self.filter(STATE_Q[state])

    def for_award(self, award_id):
        return self.alias(payload_award_id=PAYLOAD_AWARD_ID).filter(payload_award_id=award_id)

    def due(self, now):
        return self.in_state(OutboxState.PENDING).filter(next_attempt_at__lte=now)


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as what caused it.

    The table is the schedule: a row is due once `next_attempt_at` has passed, and a worker claims due rows
    in batches (see `outbox.services`). A row that keeps failing for `OUTBOX_FAIL_AFTER_SECONDS` is marked
    failed and waits for staff to retry it. `kind` names the renderer (see `outbox.registry`) that turns
    `payload` into a message at send time, so secrets such as claim tokens are minted then and never
    stored in clear.
    """

    kind = models.CharField(max_length=50)
    to = models.EmailField()
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # The first failure of the current run of failures; a success or a retry by staff clears it.
    failing_since = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # The subject as sent, kept so the admin list shows it without rendering every row again.
    subject = models.CharField(max_length=255, blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=STATE_Q[OutboxState.PENDING], name="outbox_due_idx"),
            models.Index(fields=["failed_at"], condition=STATE_Q[OutboxState.FAILED], name="outbox_failed_idx"),
            # Covering: an award's emails and their states are read from the index alone (the dashboard).
            models.Index(PAYLOAD_AWARD_ID, F("kind"), F("sent_at"), F("failed_at"), name="outbox_payload_award_idx"),
        ]
        verbose_name = "outbox email"

    def __str__(self):
        return f"{self.kind} to {self.to}"

    @property
    def state(self):
        if self.sent_at is not None:
            return OutboxState.SENT
        return OutboxState.FAILED if self.failed_at is not None else OutboxState.PENDING


class OutboxPace(models.Model):
    """One row: the next free send slot under OUTBOX_SEND_RATE, shared by every worker (`outbox_pace_reserve`)."""

    next_slot_at = models.DateTimeField()

    def __str__(self):
        return f"next send slot at {self.next_slot_at}"
