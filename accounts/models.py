import secrets
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

# A handle names a public profile (/u/<handle>/): lower-case letters, digits and inner hyphens, 3 to 30.
HANDLE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]\Z"
# Words a handle may not be: the site's own sections, and names that would pass for the site speaking.
RESERVED_HANDLES = frozenset(
    {
        *("about", "abuse", "account", "accounts", "admin", "administrator", "api", "assets", "badge"),
        *("badgeportal", "badges", "billing", "catalog", "claim", "contact", "delete", "edit", "email", "help"),
        *("home", "info", "issuer", "issuers", "jobs", "login", "logout", "mail", "me", "media", "metrics"),
        *("moderator", "new", "no-reply", "noreply", "null", "official", "ob", "postmaster", "privacy", "profile"),
        *("profiles", "root", "salary", "security", "settings", "signin", "signout", "signup", "staff", "static"),
        *("support", "system", "terms", "undefined", "user", "users", "verify", "wallet", "webmaster", "www"),
    }
)


def validate_handle(value):
    if value in RESERVED_HANDLES:
        raise ValidationError(
            "“%(handle)s” is reserved: choose another handle.", code="reserved", params={"handle": value}
        )


def profile_photo_path(instance, filename):
    # A fresh random name per upload: a replaced photo's old address stops working with it.
    return f"profiles/{uuid.uuid4().hex}.jpg"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account; people sign in with their email address, never a username."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # Opaque id for the public profile URL, so the database key and email never leak.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile_public = models.BooleanField(default=True, help_text="A public profile lists the earner's public badges.")
    handle = models.CharField(
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(
                HANDLE_PATTERN,
                "Use 3 to 30 lower-case letters, digits and hyphens, starting and ending with a letter or digit.",
            ),
            validate_handle,
        ],
        help_text="The public profile's address, /u/<handle>/. Without one, the profile's opaque id is used.",
    )
    headline = models.CharField(max_length=120, blank=True, help_text="One line under the name on the profile.")
    photo = models.ImageField(upload_to=profile_photo_path, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # Stored lower-cased, so `unique` holds whatever the case someone types.
            models.CheckConstraint(condition=Q(handle=Lower("handle")), name="user_handle_lower_case"),
        ]

    def __str__(self):
        return self.email

    @property
    def profile_key(self):
        """What the public profile's address names: the handle, or the opaque public id until one is chosen."""
        return self.handle or str(self.public_id)

    def get_full_name(self):
        return self.full_name or self.email.split("@")[0]

    def get_short_name(self):
        return self.get_full_name()


def data_export_path(instance, filename):
    # MEDIA_ROOT may be served by the proxy: the random folder keeps the file's address unguessable, and the
    # download view is the only place that names it, to its owner only.
    return f"exports/{secrets.token_urlsafe(32)}/{filename}"


class DataExportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


UNFINISHED_EXPORT = [DataExportStatus.PENDING, DataExportStatus.RUNNING]


class DataExport(models.Model):
    """One zip of everything held about an earner, prepared by a task and downloadable by them for a while.

    Once its link expires the file is deleted and the row stays, so the old link says what happened.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=DataExportStatus.choices, default=DataExportStatus.PENDING)
    sections_done = models.PositiveSmallIntegerField(default=0)
    sections_total = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=data_export_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A second click while one is being prepared gets that one.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status__in=UNFINISHED_EXPORT), name="data_export_one_unfinished_per_user"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(expires_at__isnull=False), name="data_export_ready_expires"
            ),
        ]

    def __str__(self):
        return f"Data export {self.public_id} ({self.status})"

    @property
    def is_unfinished(self):
        return self.status in UNFINISHED_EXPORT

    @property
    def is_downloadable(self):
        return self.status == DataExportStatus.READY and self.expires_at > timezone.now()

    @property
    def is_expired(self):
        return self.status == DataExportStatus.EXPIRED or (
            self.status == DataExportStatus.READY and self.expires_at <= timezone.now()
        )
