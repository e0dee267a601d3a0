from django.conf import settings
from django.db import models


class SupportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class SupportRequest(models.Model):
    """A question sent through the contact form; staff answer it in admin and the reply goes out by email."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    concerning = models.CharField("badge or exam concerned", max_length=200, blank=True)
    message = models.TextField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        help_text="The account that sent it, if the sender was signed in.",
    )
    status = models.CharField(max_length=10, choices=SupportStatus.choices, default=SupportStatus.OPEN, db_index=True)
    staff_reply = models.TextField(blank=True, help_text="The last reply emailed to the requester.")
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}: {self.concerning or self.message[:40]}"
