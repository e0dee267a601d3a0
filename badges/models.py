import datetime
import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def new_recipient_salt():
    return secrets.token_hex(16)


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class Issuer(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    url = models.URLField()
    email = models.EmailField()
    description = models.TextField(blank=True)
    image = models.ImageField(upload_to="issuers/", blank=True)
    linkedin_organization_id = models.CharField(
        "LinkedIn organization id",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9]+\Z", "Digits only: the number in the LinkedIn page's admin address.")],
        help_text=(
            "The number in the address of the issuer's LinkedIn page as its admins see it "
            "(linkedin.com/company/1234567/admin/). With it, “Add to LinkedIn profile” links the badge to that "
            "page, and LinkedIn shows its logo."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(linkedin_organization_id__regex=r"^[0-9]*$"), name="issuer_linkedin_organization_id_digits"
            )
        ]

    def __str__(self):
        return self.name


class Certification(models.Model):
    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)
    level = models.CharField(max_length=50, blank=True)
    program = models.CharField(max_length=100, blank=True, help_text="Role-based, Fundamentals, Specialty, ...")
    product = models.CharField(
        max_length=60, blank=True, db_index=True, help_text="Product family for browsing: Azure, Microsoft 365, ..."
    )
    description = models.TextField(blank=True)
    skills = models.JSONField(default=list, blank=True)
    url = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retired_on = models.DateField(null=True, blank=True)
    superseded_by = models.CharField(max_length=255, blank=True)
    # The values the last catalog import wrote; a field staff changed since stays unless the source changes it.
    source_snapshot = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="retired") | Q(retired_on__isnull=True),
                name="certification_active_has_no_retired_on",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_retired(self):
        return self.status == Status.RETIRED


class Exam(models.Model):
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=255)
    certifications = models.ManyToManyField(Certification, related_name="exams", blank=True)
    product = models.CharField(
        max_length=60, blank=True, db_index=True, help_text="Product family for browsing: Azure, Microsoft 365, ..."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retired_on = models.DateField(null=True, blank=True)
    # The values the last catalog import wrote; a field staff changed since stays unless the source changes it.
    source_snapshot = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="retired") | Q(retired_on__isnull=True), name="exam_active_has_no_retired_on"
            )
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    @property
    def is_retired(self):
        return self.status == Status.RETIRED


class BadgeTemplate(models.Model):
    """What an issuer awards: a badge for one certification or for one exam."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="badge_templates")
    certification = models.OneToOneField(
        Certification, on_delete=models.PROTECT, null=True, blank=True, related_name="badge_template"
    )
    exam = models.OneToOneField(Exam, on_delete=models.PROTECT, null=True, blank=True, related_name="badge_template")
    slug = models.SlugField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    criteria = models.TextField(blank=True)
    skills = models.JSONField(default=list, blank=True)
    image = models.ImageField(upload_to="badges/", blank=True)
    # The image whose sized copies are stored (`badges.catalog.images.rendition_name`); pages offer them only
    # while it is still the template's image.
    image_renditions_of = models.CharField(max_length=100, blank=True, editable=False)
    validity_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty for badges that do not expire."
    )
    # Reminders (`badges.reminders`): each goes at most once per award; an empty value sends none.
    first_reminder_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=7, help_text="Days after issue to remind an earner who has not accepted yet."
    )
    second_reminder_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=30, help_text="Days after issue for the second and last such reminder."
    )
    expiry_reminder_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=60, help_text="Days before expiry to remind the earner that the badge expires."
    )
    renewal_url = models.URLField(
        blank=True, help_text="Where an earner renews this certification; the expiry reminder links to it."
    )
    # The values the last catalog import wrote; a field staff changed since stays unless the source changes it.
    source_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certification__isnull=True) | Q(exam__isnull=True),
                name="badge_template_recognizes_one_thing",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def recognized(self):
        """The certification or exam this badge stands for (None for a free-standing badge)."""
        return self.certification or self.exam

    @property
    def is_retired(self):
        return bool(self.recognized and self.recognized.is_retired)

    @property
    def retired_on(self):
        return self.recognized.retired_on if self.is_retired else None

    @property
    def level(self):
        return self.certification.level if self.certification else "Exam"

    @property
    def product(self):
        return self.recognized.product if self.recognized else ""


class AwardState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class AwardStatus(models.TextChoices):
    """An award's standing as verifiers see it, whatever the earner did with it."""

    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class AwardQuerySet(models.QuerySet):
    def for_earner(self, user):
        return self.filter(earner=user)

    def on_profile(self):
        """What an earner's profile lists: accepted badges they have not hidden. The public sees them only
        while the profile itself is public (`publicly_visible`)."""
        return self.filter(state=AwardState.ACCEPTED, is_public=True)

    def publicly_visible(self):
        """What anyone may see: accepted, not hidden by the earner, on the public profile of an account
        staff have not deactivated. Revoked ones stay visible so that verifiers learn they were revoked."""
        return self.on_profile().filter(earner__profile_public=True, earner__is_active=True)

    def not_revoked(self):
        return self.filter(revoked_at__isnull=True)

    @staticmethod
    def held_q(prefix=""):
        """The held-badge rule as a condition, for filters across a relation (`held_q("awards__")`)."""
        return Q(**{f"{prefix}state": AwardState.ACCEPTED, f"{prefix}revoked_at__isnull": True})

    def held(self):
        """Badges their earners hold: accepted and not revoked. What unlocks jobs and counts as earned."""
        return self.filter(self.held_q())

    def pending_for_email(self, email):
        return self.filter(
            recipient_email=email.strip().lower(),
            earner__isnull=True,
            state=AwardState.PENDING,
            revoked_at__isnull=True,
        )


class Award(models.Model):
    """One badge awarded to one person, identified in every URL by `public_id`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(BadgeTemplate, on_delete=models.PROTECT, related_name="awards")
    recipient_email = models.EmailField(db_index=True, help_text="Stored lower-cased.")
    recipient_name = models.CharField(max_length=200)
    earner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="awards"
    )
    state = models.CharField(max_length=10, choices=AwardState.choices, default=AwardState.PENDING)
    issued_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(default=True, help_text="Accepted badges are public unless the earner hides them.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    # The earner deleted their account: the issuer keeps the record (its badge, dates and revocation, which
    # the status list needs) without the name, the address or the account.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The program's own id for the earner (a candidate number), from the import or the API; not unique:
    # one earner holds several badges.
    external_id = models.CharField("earner id", max_length=100, blank=True, default="")
    # Where the earner's work can be seen (an exam report, a project), from an import; Open Badges `evidence`.
    evidence_url = models.URLField("evidence URL", max_length=500, blank=True, default="")
    # The import that created the award, if one did (admin links an import to its awards).
    award_import = models.ForeignKey(
        "AwardImport", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="awards"
    )
    # When `award_expired` was announced for this award (the earner emailed, webhooks sent); a renewal clears it.
    expiry_announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last renewal: the day staff (or an import) gave the award a new expiry date.
    renewed_on = models.DateField(null=True, blank=True, editable=False)
    # The first time anyone opened one of the award's claim links (the dashboard's "claim links opened").
    claim_link_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Salt for the Open Badges recipient hash; fixed per award so the hash is stable.
    recipient_salt = models.CharField(max_length=32, default=new_recipient_salt, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-created_at"]
        permissions = [("hard_delete_award", "Can delete an issued award for good (instead of revoking it)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""), name="award_revocation_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="award_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | Q(recipient_email="", recipient_name="", earner__isnull=True, is_public=False),
                name="award_anonymised_holds_no_personal_data",
            ),
        ]
        indexes = [
            models.Index(fields=["earner", "state"]),
            # The dashboard counts the awards issued over a range of dates, by template, and their acceptances
            # by week: covering indexes, read without visiting the table (PostgreSQL; SQLite ignores `include`).
            models.Index(
                fields=["issued_on", "template"],
                include=[
                    "id",
                    "state",
                    "revoked_at",
                    "expires_on",
                    "accepted_at",
                    "created_at",
                    "claim_link_opened_at",
                ],
                name="award_issued_on_template",
            ),
            models.Index(
                fields=["accepted_at", "template"],
                include=["id", "state"],
                condition=Q(accepted_at__isnull=False),
                name="award_accepted_at_template",
            ),
            models.Index(fields=["external_id"], condition=~Q(external_id=""), name="award_external_id"),
            # The expiry sweep's question: expired, not yet announced.
            models.Index(
                fields=["expires_on"],
                condition=Q(expiry_announced_at__isnull=True, revoked_at__isnull=True, expires_on__isnull=False),
                name="award_expiry_unannounced",
            ),
            # The API's award list pages by (updated_at, id) (api/pagination.py), for programs syncing changes.
            models.Index(fields=["updated_at", "id"], name="award_updated_idx"),
        ]

    def __str__(self):
        return f"{self.template} for {self.recipient_name or 'a deleted account'}"

    def get_absolute_url(self):
        return reverse("wallet_award", args=[self.public_id])

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None

    @property
    def is_expired(self):
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_accepted(self):
        return self.state == AwardState.ACCEPTED

    @property
    def is_held(self):
        """`AwardQuerySet.held()` for one award: keep them in step."""
        return self.is_accepted and not self.is_revoked

    @property
    def status(self):
        """What the badge says to whoever checks it: "revoked", "expired" or "valid"."""
        if self.is_revoked:
            return AwardStatus.REVOKED
        if self.is_expired:
            return AwardStatus.EXPIRED
        return AwardStatus.VALID

    @property
    def is_publicly_visible(self):
        """`AwardQuerySet.publicly_visible()` for one award already loaded with its earner: keep them in step."""
        earner = self.earner
        return self.is_accepted and self.is_public and earner is not None and earner.profile_public and earner.is_active


class ClaimToken(models.Model):
    """A single-use claim link. Only the SHA-256 of the token is stored."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="claim_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Claim link for {self.award_id}"

    @property
    def is_used(self):
        return self.used_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()


class ShareChannel(models.TextChoices):
    LINKEDIN_PROFILE = "linkedin-profile", "LinkedIn profile"
    LINKEDIN = "linkedin", "LinkedIn post"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    EMAIL = "email", "Email"


class ShareCount(models.Model):
    """How often an award was shared on one channel: a counter bumped with F(), one row per (award, channel)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="share_counts")
    channel = models.CharField(max_length=20, choices=ShareChannel.choices)
    clicks = models.PositiveIntegerField(default=0)
    last_shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["award", "channel"]
        constraints = [models.UniqueConstraint(fields=["award", "channel"], name="share_count_one_per_channel")]

    def __str__(self):
        return f"{self.award_id} on {self.channel}: {self.clicks}"


class AwardPageView(models.Model):
    """Views of an award's public page on one day: a counter bumped with F(), no visitor data kept."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="page_views")
    # The award's, copied (an award's template never changes after issue): the dashboard sums views per
    # template over a range of days without joining a row of awards per counter.
    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["award", "day"], name="award_page_view_one_per_day")]
        indexes = [models.Index(fields=["day", "template"], name="award_page_view_day_template")]

    def __str__(self):
        return f"{self.award_id} on {self.day}: {self.views}"


# The expiry date a rollup row files an award under when it never expires: a date, so that the row's key
# holds no NULL (a unique key treats NULLs as distinct) and "expired before today" never counts it.
NEVER_EXPIRES = datetime.date(9999, 12, 31)


class AwardDaySummary(models.Model):
    """The awards of one template issued on one day (and expiring on one day), counted: the program
    dashboard sums these rows instead of the awards, so a range costs days x templates.

    Written only by database triggers on the award table (migration 0015), in the same statement as the
    award: every write path (a save, a queryset update or delete, `bulk_create`, COPY) keeps it exact. On
    PostgreSQL a key's counts are spread over up to 16 rows (`slot`, chosen by the writing connection), so
    that a long import holding its row blocks few other writers: the counts are the sums over the slots
    (one row may be negative). The other rollups below work the same way.
    """

    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    issued_on = models.DateField()
    expires_on = models.DateField(help_text="NEVER_EXPIRES for awards without an expiry date.")
    issued = models.IntegerField(default=0)
    opened = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    declined = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)  # pending and not revoked
    revoked = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issued_on", "template", "expires_on", "slot"], name="award_day_summary_key"
            )
        ]

    def __str__(self):
        return f"{self.template_id} issued {self.issued_on}: {self.issued}"


class AwardAcceptDays(models.Model):
    """How many of one template's awards issued on one day were accepted after `days` whole days (from
    the award's making to its acceptance, rounded down): the histogram the dashboard's median is read from.
    Written only by the triggers that write `AwardDaySummary`."""

    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    issued_on = models.DateField()
    days = models.IntegerField()
    awards = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issued_on", "template", "days", "slot"], name="award_accept_days_key")
        ]

    def __str__(self):
        return f"{self.template_id} issued {self.issued_on}: {self.awards} in {self.days} days"


class AwardAcceptedDay(models.Model):
    """How many of one template's awards (accepted now) were accepted on one day (UTC, the site's time zone):
    the accepted side of the dashboard's weekly chart. Written only by the rollup triggers."""

    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    accepted_on = models.DateField()
    awards = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["accepted_on", "template", "slot"], name="award_accepted_day_key")
        ]

    def __str__(self):
        return f"{self.template_id} accepted {self.accepted_on}: {self.awards}"


class AwardDayClaimEmails(models.Model):
    """The claim emails of one template's awards issued on one day, by state (the outbox's `STATE_Q`).
    Written only by triggers on the outbox and the award tables (migration 0015)."""

    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    issued_on = models.DateField()
    sent = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    queued = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issued_on", "template", "slot"], name="award_day_claim_emails_key")
        ]

    def __str__(self):
        return f"{self.template_id} issued {self.issued_on}: {self.sent} claim emails sent"


class AwardDayShares(models.Model):
    """Share clicks on one channel of one template's awards issued on one day (the sum of their
    `ShareCount`s). Written only by triggers on the share counts and the award tables (migration 0015)."""

    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    issued_on = models.DateField()
    channel = models.CharField(max_length=20, choices=ShareChannel.choices)
    clicks = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issued_on", "template", "channel", "slot"], name="award_day_shares_key")
        ]

    def __str__(self):
        return f"{self.template_id} issued {self.issued_on}: {self.clicks} on {self.channel}"


class ReminderKind(models.TextChoices):
    FIRST = "first", "First reminder to accept"
    SECOND = "second", "Second reminder to accept"
    EXPIRY = "expiry", "Expiry reminder"


class AwardReminder(models.Model):
    """A reminder sent for an award. The constraints make each kind go at most once: once per award for the
    reminders to accept, once per expiry date for the expiry reminder (a renewed badge gets a new one)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    # The expiry date an expiry reminder announced; None for reminders to accept.
    expires_on = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "kind"], condition=~Q(kind="expiry"), name="award_reminder_once_per_kind"
            ),
            models.UniqueConstraint(
                fields=["award", "expires_on"], condition=Q(kind="expiry"), name="award_reminder_once_per_expiry"
            ),
            models.CheckConstraint(
                condition=Q(kind="expiry", expires_on__isnull=False) | (~Q(kind="expiry") & Q(expires_on__isnull=True)),
                name="award_reminder_expiry_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.award_id}"


class ReminderOptOut(models.Model):
    """An address that asked for no more reminders (claim emails the program sends still go)."""

    email = models.EmailField(unique=True, help_text="Stored lower-cased.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "reminder opt-out"

    def __str__(self):
        return self.email


class IssuerKey(models.Model):
    """An RSA key an issuer signs Open Badges 3.0 credentials with.

    One key is active at a time; retired keys stay so that credentials they signed keep verifying.
    The private key is stored encrypted with a key derived from SECRET_KEY and is never served.
    """

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="signing_keys")
    kid = models.CharField(max_length=64, unique=True)
    public_jwk = models.JSONField()
    private_key_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"], condition=Q(retired_at__isnull=True), name="issuer_key_one_active_per_issuer"
            )
        ]

    def __str__(self):
        return f"{self.issuer} key {self.kid}"

    @property
    def is_active(self):
        return self.retired_at is None


class ImportState(models.TextChoices):
    CHECKING = "checking", "checking the file"
    PREVIEWED = "previewed", "waiting for confirmation"
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class DuplicatePolicy(models.TextChoices):
    SKIP = "skip", "Skip: do not award a badge the address already holds (or that repeats in the file)"
    ALLOW = "allow", "Allow: award it again"
    RENEW = "renew", "Renew: give the badge the address already holds the row's expiry date (no email)"


class AwardImport(models.Model):
    """A CSV file of awards uploaded by staff (or given to `import_awards`), its preview and its result.

    The file is kept in the row: the worker that runs the import reads it from the database, on any node.
    A confirmed import runs once and all at once (`badges.imports.services`): its state moves (checking →)
    previewed → queued → running → done (or failed, with nothing written), each step a conditional update.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    data = models.BinaryField(editable=False)
    # The rows the preview found good, normalised (one CSV line each): what confirming awards.
    checked = models.TextField(blank=True, editable=False)
    encoding = models.CharField(max_length=20, blank=True, help_text="As detected or chosen.")
    delimiter = models.CharField(max_length=1, blank=True)
    duplicates = models.CharField(max_length=5, choices=DuplicatePolicy.choices, default=DuplicatePolicy.SKIP)
    send_email = models.BooleanField("send claim emails", default=True)
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.PREVIEWED)
    # The preview's figures: data rows in the file, awards it would create or renew, duplicates, bad rows.
    rows_total = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_renew = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField("duplicates", default=0)
    error_count = models.PositiveIntegerField("bad rows", default=0)
    # Rows the renew policy cannot renew (reasons in the report): as previewed, then as the run found them.
    renew_refused = models.PositiveIntegerField("renewals refused", default=0)
    # The result: awards created, awards renewed, duplicates skipped, bad rows left out.
    created = models.PositiveIntegerField(default=0)
    renewed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # [[line, column, value, problem], ...]: the bad rows, then the duplicates (once run: skipped) and the
    # renewals refused.
    report = models.JSONField(default=list, blank=True, editable=False)
    problem_count = models.PositiveIntegerField(default=0, editable=False)  # the report's bad-row entries come first
    failure = models.TextField(blank=True, help_text="Why the import failed; nothing of it was written.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "award import"
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportState.values), name="award_import_state_known"),
            models.CheckConstraint(
                condition=~Q(state=ImportState.DONE) | Q(finished_at__isnull=False), name="award_import_done_has_end"
            ),
        ]
        indexes = [models.Index(fields=["state"], name="award_import_state")]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def seconds_taken(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class PublicDocument(models.Model):
    """What the public reads of one award, rendered once per change and read back with one indexed lookup.

    Database triggers (migration 0013) keep it honest: every award row has one, and any write to the award,
    its earner, its template, the template's issuer, certification or exams, or the issuer's signing keys,
    by whatever path (a save, a queryset update, raw SQL), bumps `generation` and clears `built_release` in
    the same transaction. A document is served only while `built_release` is the running code's release
    (`badges.public.documents.release`), and stored only if `generation` has not moved since the builder
    read it, so a build that raced a change is dropped instead of overwriting it.
    """

    award = models.OneToOneField(Award, on_delete=models.CASCADE, primary_key=True, related_name="public_document")
    public_id = models.UUIDField(unique=True)
    generation = models.BigIntegerField(db_default=0)
    # Empty until built, and again after any change; else the release whose templates and settings built it.
    built_release = models.CharField(max_length=64, db_default="", blank=True)
    # Whether the public may see the award (`Award.objects.publicly_visible()`) when it was built.
    visible = models.BooleanField(db_default=False)
    revoked = models.BooleanField(db_default=False)
    ob2_status = models.PositiveSmallIntegerField(db_default=0)
    ob2_body = models.TextField(db_default="", blank=True)
    ob3_status = models.PositiveSmallIntegerField(db_default=0)
    ob3_body = models.TextField(db_default="", blank=True)
    # The whole page an anonymous visitor gets; it says "valid" or "expired", so it is good until `page_until`.
    page = models.TextField(db_default="", blank=True)
    page_until = models.DateField(null=True, blank=True)
    # For the baked images: the template image's file and the download's name.
    image_name = models.CharField(max_length=100, db_default="", blank=True)
    slug = models.CharField(max_length=255, db_default="", blank=True)

    def __str__(self):
        return f"Public document of award {self.award_id}"
