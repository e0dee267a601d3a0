from django.db import models
from django.utils import timezone


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as what caused it.

    A task sends it and stamps `sent_at`; a periodic sweep re-enqueues rows the queue lost.
    `kind` names the renderer (see `outbox.registry`) that turns `payload` into a message
    at send time, so secrets such as claim tokens are minted then and never stored in clear.
    """

    kind = models.CharField(max_length=50)
    to = models.EmailField()
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent_idx")
        ]
        verbose_name = "outbox email"

    def __str__(self):
        return f"{self.kind} to {self.to}"

    @property
    def is_sent(self):
        return self.sent_at is not None
