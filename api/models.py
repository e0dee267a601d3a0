from django.db import models

from badges.models import Issuer


class Scope(models.TextChoices):
    AWARDS_WRITE = "awards:write", "awards:write: issue, revoke, change the address, resend"
    AWARDS_READ = "awards:read", "awards:read: read and list awards"
    TEMPLATES_READ = "templates:read", "templates:read: list badge templates"


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key an issuer's program calls the API with. Only its SHA-256 is stored; the key is shown once.

    The key is 256 random bits, so a fast hash is enough: there is nothing to guess a password from.
    """

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="What uses this key, e.g. “exam delivery system”.")
    # The key's first characters, shown to staff to tell keys apart; not enough to use it.
    prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["issuer", "name"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key`, replayed when the same request comes again.

    A row without `status_code` is a request still running (or one that died: it counts as abandoned after
    a few minutes). Rows are kept API_IDEMPOTENCY_HOURS.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_once_per_api_key")]

    def __str__(self):
        return self.key
