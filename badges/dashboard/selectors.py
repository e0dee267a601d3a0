"""The program dashboard's figures, counted by the database: a fixed number of queries whatever the number
of awards (`dashboard_figures` makes nine).

The awards counted are those issued in the chosen range (a cohort): issued, claim emails, claim links opened,
accepted, declined, pending, revoked, expired, the acceptance rate, the median time to accept and the
shares. Page views and the weekly chart count what happened in the range: views on those days, awards
issued and accepted in each week.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from outbox.models import PAYLOAD_AWARD_ID, STATE_Q, OutboxEmail, OutboxState

from ..awards.services import CLAIM_EMAIL
from ..models import Award, AwardPageView, AwardState, BadgeTemplate, ShareChannel, ShareCount
from .aggregates import Median

AWARD_COUNTS = ("issued", "opened", "accepted", "declined", "pending", "revoked", "expired")
EMAIL_COUNTS = ("emails_sent", "emails_failed", "emails_queued")


@dataclass
class Figures:
    """One row of the dashboard: a template, or the total (`template` None)."""

    template: BadgeTemplate | None = None
    issued: int = 0
    opened: int = 0
    accepted: int = 0
    declined: int = 0
    pending: int = 0
    revoked: int = 0
    expired: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    emails_queued: int = 0
    median_time_to_accept: timedelta | None = None
    page_views: int = 0
    shares: dict = field(default_factory=dict)

    @property
    def acceptance_rate(self):
        """Accepted as a share of issued, in percent (None with nothing issued)."""
        return round(100 * self.accepted / self.issued, 1) if self.issued else None

    @property
    def shares_total(self):
        return sum(self.shares.values())


@dataclass
class Dashboard:
    rows: list
    total: Figures
    weeks: list  # [(monday, issued, accepted)]
    channels: list = field(default_factory=lambda: list(ShareChannel.choices))


def _award_aggregates(today):
    return {
        "issued": Count("pk"),
        "opened": Count("pk", filter=Q(claim_link_opened_at__isnull=False)),
        "accepted": Count("pk", filter=Q(state=AwardState.ACCEPTED)),
        "declined": Count("pk", filter=Q(state=AwardState.DECLINED)),
        "pending": Count("pk", filter=Q(state=AwardState.PENDING, revoked_at__isnull=True)),
        "revoked": Count("pk", filter=Q(revoked_at__isnull=False)),
        "expired": Count("pk", filter=Q(revoked_at__isnull=True, expires_on__lt=today)),
        # From the award's making (its claim email) to the earner's acceptance; NULL for the others.
        "median_time_to_accept": Median(F("accepted_at") - F("created_at")),
    }


def scoped_awards(*, issuer=None, template=None):
    awards = Award.objects.all()
    if template is not None:
        return awards.filter(template=template)
    if issuer is not None:
        return awards.filter(template__issuer=issuer)
    return awards


def dashboard_figures(*, start, end, issuer=None, template=None, today=None):
    today = today or timezone.localdate()
    scope = scoped_awards(issuer=issuer, template=template).order_by()
    cohort = scope.filter(issued_on__gte=start, issued_on__lte=end)
    aggregates = _award_aggregates(today)

    rows = {}
    views = AwardPageView.objects.filter(award__in=scope, day__gte=start, day__lte=end)
    # Templates with an award issued in the range, or a page view in it.
    templates = BadgeTemplate.objects.select_related("issuer").filter(
        Q(pk__in=cohort.values("template_id")) | Q(pk__in=views.values("award__template_id"))
    )  # query 1
    for badge_template in templates.order_by("name"):
        rows[badge_template.pk] = Figures(template=badge_template)
    for values in cohort.values("template_id").annotate(**aggregates):  # query 2
        row = rows[values.pop("template_id")]
        for name, value in values.items():
            setattr(row, name, value)
    total = Figures(**cohort.aggregate(**aggregates))  # query 3: a median does not add up

    for values in _claim_email_counts(cohort):  # query 4
        _add(rows, total, values.pop("template_id"), values)
    for values in (
        views.values(template_id=F("award__template_id")).annotate(page_views=Sum("views")).order_by()
    ):  # query 5
        _add(rows, total, values.pop("template_id"), values)
    for values in (
        ShareCount.objects.filter(award__in=cohort)
        .values("channel", template_id=F("award__template_id"))
        .annotate(clicks=Sum("clicks"))
        .order_by()
    ):  # query 6
        row = rows.get(values["template_id"])
        if row is not None:
            row.shares[values["channel"]] = values["clicks"]
        total.shares[values["channel"]] = total.shares.get(values["channel"], 0) + values["clicks"]

    return Dashboard(
        rows=list(rows.values()),
        total=total,
        weeks=_weeks(scope, start, end),  # queries 7 and 8
    )


def _add(rows, total, template_id, values):
    row = rows.get(template_id)
    for name, value in values.items():
        if row is not None:
            setattr(row, name, getattr(row, name) + (value or 0))
        setattr(total, name, getattr(total, name) + (value or 0))


def _claim_email_counts(cohort):
    """Claim emails of the cohort's awards by template and state. The outbox knows the award only by its
    payload; the join goes through the indexed `PAYLOAD_AWARD_ID` expression."""
    template_of = cohort.filter(pk=OuterRef("payload_award_id")).values("template_id")[:1]
    return (
        OutboxEmail.objects.filter(kind=CLAIM_EMAIL)
        .alias(payload_award_id=PAYLOAD_AWARD_ID)
        .filter(payload_award_id__in=cohort.values("pk"))
        .values(template_id=Subquery(template_of, output_field=IntegerField()))
        .annotate(
            emails_sent=Count("pk", filter=STATE_Q[OutboxState.SENT]),
            emails_failed=Count("pk", filter=STATE_Q[OutboxState.FAILED]),
            emails_queued=Count("pk", filter=STATE_Q[OutboxState.PENDING]),
        )
        .order_by()
    )


def _weeks(scope, start, end):
    """Issued and accepted per week (Monday first), every week of the range listed, empty ones too."""
    issued = dict(
        scope.filter(issued_on__gte=start, issued_on__lte=end)
        .annotate(week=TruncWeek("issued_on"))
        .values("week")
        .annotate(count=Count("pk"))
        .values_list("week", "count")
    )
    accepted_range = {"accepted_at__date__gte": start, "accepted_at__date__lte": end}
    accepted = dict(
        scope.filter(state=AwardState.ACCEPTED, **accepted_range)
        .annotate(week=TruncWeek("accepted_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .values_list("week", "count")
    )
    accepted = {_as_date(week): count for week, count in accepted.items()}
    issued = {_as_date(week): count for week, count in issued.items()}
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append((monday, issued.get(monday, 0), accepted.get(monday, 0)))
        monday += timedelta(days=7)
    return weeks


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value
