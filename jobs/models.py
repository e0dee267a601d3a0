from django.conf import settings
from django.db import models
from django.db.models import Q

from badges.models import Certification


class Occupation(models.Model):
    soc_code = models.CharField("SOC code", max_length=7, unique=True)
    title = models.CharField(max_length=255)

    class Meta:
        ordering = ["soc_code"]

    def __str__(self):
        return f"{self.soc_code} {self.title}"


class OccupationWage(models.Model):
    """Annual wage percentiles for one occupation. Empty values are top-coded (see `markers`)."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="wages")
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=100)
    employment = models.PositiveIntegerField(null=True, blank=True)
    mean = models.PositiveIntegerField(null=True, blank=True)
    pct10 = models.PositiveIntegerField("10th percentile", null=True, blank=True)
    pct25 = models.PositiveIntegerField("25th percentile", null=True, blank=True)
    median = models.PositiveIntegerField(null=True, blank=True)
    pct75 = models.PositiveIntegerField("75th percentile", null=True, blank=True)
    pct90 = models.PositiveIntegerField("90th percentile", null=True, blank=True)
    markers = models.CharField(max_length=100, blank=True, help_text="Source footnotes, e.g. a_pct90=# (top-coded).")

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "year", "source"], name="occupation_wage_unique_per_source")
        ]

    def __str__(self):
        return f"{self.occupation.soc_code} wages {self.year}"


class OccupationProjection(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="projections")
    base_year = models.PositiveSmallIntegerField()
    target_year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=100)
    employment_base = models.DecimalField(max_digits=9, decimal_places=1, help_text="Thousands of jobs.")
    employment_target = models.DecimalField(max_digits=9, decimal_places=1, help_text="Thousands of jobs.")
    change_pct = models.DecimalField(max_digits=5, decimal_places=1)
    annual_openings = models.DecimalField(max_digits=8, decimal_places=1, help_text="Thousands per year.")
    typical_education = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-base_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "base_year", "source"], name="occupation_projection_unique_per_source"
            )
        ]

    def __str__(self):
        return f"{self.occupation.soc_code} projection {self.base_year}-{self.target_year}"


class CertificationOccupation(models.Model):
    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="occupation_links")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="certification_links")
    rank = models.PositiveSmallIntegerField(default=1, help_text="1 is the closest fit.")
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["certification", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "occupation"], name="certification_occupation_unique")
        ]

    def __str__(self):
        return f"{self.certification} → {self.occupation}"


class JobSource(models.Model):
    """One place postings come from, with the schedule staff control and the outcome of its last run."""

    class Name(models.TextChoices):
        BUNDLED = "bundled", "Bundled sample"
        USAJOBS = "usajobs", "USAJOBS"
        ADZUNA = "adzuna", "Adzuna"

    name = models.CharField(max_length=20, choices=Name.choices, unique=True)
    enabled = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(default=360, help_text="How often postings are refreshed.")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, blank=True)
    last_fetched = models.PositiveIntegerField(default=0)
    last_created = models.PositiveIntegerField(default=0)
    last_updated = models.PositiveIntegerField(default=0)
    last_closed = models.PositiveIntegerField(default=0)
    last_bad_records = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.get_name_display()


class CertificationRefresh(models.Model):
    """When postings for one certification were last taken from one source: decides staleness."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="job_refreshes")
    source = models.ForeignKey(JobSource, on_delete=models.CASCADE, related_name="refreshes")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["certification", "source"], name="certification_refresh_unique")]

    def __str__(self):
        return f"{self.certification} from {self.source}"


class PostingStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class SalaryPeriod(models.TextChoices):
    YEAR = "year", "per year"
    MONTH = "month", "per month"
    WEEK = "week", "per week"
    DAY = "day", "per day"
    HOUR = "hour", "per hour"


# Full-time equivalents used to compare pay quoted per hour, day, week or month with yearly pay.
ANNUAL_FACTOR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}


NYC_ORIGIN = "nyc_open_data_jobs"


class JobPosting(models.Model):
    source = models.CharField(max_length=20, choices=JobSource.Name.choices)
    external_id = models.CharField(max_length=100)
    # Where a bundled posting was first published (e.g. nyc_open_data_jobs), for its attribution line.
    origin = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    employer = models.CharField(max_length=300, blank=True)
    locations = models.TextField(blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="State or country of the first location.")
    remote = models.BooleanField(default=False)
    salary_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_period = models.CharField(max_length=10, choices=SalaryPeriod.choices, blank=True)
    salary_is_predicted = models.BooleanField(default=False)
    # Yearly equivalents of the posted range, kept for filtering and sorting by pay.
    annual_salary_min = models.PositiveIntegerField(null=True, blank=True)
    annual_salary_max = models.PositiveIntegerField(null=True, blank=True)
    posted_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    apply_url = models.URLField(max_length=1000, blank=True)
    description = models.TextField(blank=True)
    # The opening of the description, cut once at refresh time so lists need not read the whole text.
    summary = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=PostingStatus.choices, default=PostingStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    apply_clicks = models.PositiveIntegerField(default=0)
    certifications = models.ManyToManyField(Certification, related_name="job_postings", blank=True)
    occupations = models.ManyToManyField(Occupation, related_name="job_postings", blank=True)

    class Meta:
        ordering = ["-posted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="job_posting_unique_per_source"),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_at__isnull=True), name="job_posting_open_has_no_closed_at"
            ),
        ]
        # The indexes that serve the Jobs tab's sort orders (newest or best paid first, undated and
        # unpaid last) and its keyword and location filters are PostgreSQL-only: see migrations/0002.
        indexes = [
            models.Index(fields=["status", "remote"], name="job_posting_remote"),
            models.Index(fields=["status", "closed_at"], name="job_posting_closed"),
        ]

    def __str__(self):
        return f"{self.title} ({self.employer})"

    @property
    def is_open(self):
        return self.status == PostingStatus.OPEN

    @property
    def shows_adzuna_credit(self):
        return self.source == JobSource.Name.ADZUNA

    @property
    def salary_text(self):
        """ "$90,000–$120,000 per year": formatted here because list pages show it twenty times."""
        low, high = self.salary_min, self.salary_max
        if low is None and high is None:
            return "Salary not stated"
        if low is None:
            amount = f"Up to ${high:,.0f}"
        elif high is None or high == low:
            amount = f"${low:,.0f}" if high == low else f"From ${low:,.0f}"
        else:
            amount = f"${low:,.0f}–${high:,.0f}"
        text = f"{amount} {self.get_salary_period_display()}"
        return f"{text} (estimated)" if self.salary_is_predicted else text

    @property
    def is_nyc_open_data(self):
        return self.origin == NYC_ORIGIN

    @property
    def location_text(self):
        """The locations as shown: rows stored before `tidy_locations` ran at refresh time are tidied here."""
        from .matching import tidy_locations  # matching reads this module's ANNUAL_FACTOR

        return tidy_locations(self.locations)

    @property
    def has_safe_apply_url(self):
        return self.apply_url.lower().startswith(("https://", "http://"))


class SavedJob(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_jobs")
    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="saved_by")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [models.UniqueConstraint(fields=["user", "posting"], name="saved_job_unique")]

    def __str__(self):
        return f"{self.posting} saved by {self.user_id}"


class MarketSalary(models.Model):
    """Pay in current open postings for a certification: overall (blank region) and per region, per year."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="market_salaries")
    region = models.CharField(max_length=100, blank=True)
    postings = models.PositiveIntegerField()
    median = models.PositiveIntegerField()
    low = models.PositiveIntegerField()
    high = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["certification", "region"]
        verbose_name_plural = "market salaries"
        constraints = [
            models.UniqueConstraint(fields=["certification", "region"], name="market_salary_unique_per_region")
        ]

    def __str__(self):
        return f"{self.certification} {self.region or 'overall'}"


class MarketInsight(models.Model):
    """The market for one certification's open postings, as the Jobs tab shows it: postings per month, the top
    employers and places, the sources and when the data was fetched. Computed by the database when the
    certification's postings are refreshed (`jobs.services.market_insight_recompute`), so the tab reads one
    row however many postings there are; `data` is what `jobs.insight.market_insight_compute` returns."""

    certification = models.OneToOneField(Certification, on_delete=models.CASCADE, related_name="market_insight")
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["certification"]

    def __str__(self):
        return f"{self.certification} market insight"


class PostingsVersion(models.Model):
    """One row whose `value` the database raises in the same transaction as any change to the postings, their
    certification links or the stored market insight (triggers, see migrations/0005 and 0006): the key under
    which the Jobs tab caches a search's matches, its rendered results and the insight, so no reader can see a
    list from before a refresh once the refresh has committed."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "postings version"

    def __str__(self):
        return f"postings version {self.value}"
