"""The program dashboard's figures, counted by the database: a fixed number of queries whatever the number
of awards (`dashboard_figures` makes nine).

The awards counted are those issued in the chosen range (a cohort): issued, claim emails, claim links opened,
accepted, declined, pending, revoked, expired, the acceptance rate, the median time to accept and the
shares. Page views and the weekly chart count what happened in the range: views on those days, awards
issued and accepted in each week.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Case, Count, F, Q, Subquery, Sum, Value, When
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


def scope_q(*, issuer=None, template=None, prefix=""):
    """The awards asked for, as a condition on `prefix` (`"award__"` from a row that points to an award), so
    that each query joins the award once instead of testing membership in a subquery."""
    if template is not None:
        return Q(**{f"{prefix}template": template})
    if issuer is not None:
        return Q(**{f"{prefix}template__issuer": issuer})
    return Q()


def issued_q(start, end, prefix=""):
    return Q(**{f"{prefix}issued_on__gte": start, f"{prefix}issued_on__lte": end})


def dashboard_figures(*, start, end, issuer=None, template=None, today=None):
    today = today or timezone.localdate()
    scope = Award.objects.filter(scope_q(issuer=issuer, template=template)).order_by()
    cohort = scope.filter(issued_q(start, end))
    via_award = scope_q(issuer=issuer, template=template, prefix="award__")
    aggregates = _award_aggregates(today)

    rows = {}
    views = AwardPageView.objects.filter(scope_q(issuer=issuer, template=template), day__gte=start, day__lte=end)
    # Templates with an award issued in the range, or a page view in it.
    templates = BadgeTemplate.objects.select_related("issuer").filter(
        Q(pk__in=cohort.values("template_id")) | Q(pk__in=views.values("template_id"))
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
    for values in views.values("template_id").annotate(page_views=Sum("views")).order_by():  # query 5
        _add(rows, total, values.pop("template_id"), values)
    for values in (
        ShareCount.objects.filter(via_award, issued_q(start, end, prefix="award__"))
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
    """Claim emails of the cohort's awards by template and state.

    The outbox knows its award only by the payload, so there is no relation for the ORM to join on: the two
    querysets are joined here in SQL, on the `PAYLOAD_AWARD_ID` expression (indexed for the award's page).
    """
    # Named columns: the SQL below refers to them.
    awards_sql, awards_params = cohort.values(
        cohort_award_id=F("pk"), cohort_template_id=F("template_id")
    ).query.sql_with_params()
    # A claim email is written with its award or later: the bound lets the outbox's index on `created_at`
    # skip the emails of older awards (most of them, for a recent range).
    first_made = cohort.order_by("created_at").values("created_at")[:1]
    # Each state as 1 or 0, decided by the outbox's own rule (`STATE_Q`), for the sums below.
    flags = {
        f"is_{state}": Case(When(STATE_Q[state], then=Value(1)), default=Value(0))
        for state in (OutboxState.SENT, OutboxState.FAILED, OutboxState.PENDING)
    }
    emails = OutboxEmail.objects.filter(kind=CLAIM_EMAIL, created_at__gte=Subquery(first_made)).annotate(
        award_id=PAYLOAD_AWARD_ID, **flags
    )
    emails_sql, emails_params = emails.values("award_id", *flags).order_by().query.sql_with_params()
    sql = f"""
        SELECT awards.cohort_template_id, SUM(emails.is_sent), SUM(emails.is_failed), SUM(emails.is_pending)
        FROM ({awards_sql}) awards JOIN ({emails_sql}) emails ON emails.award_id = awards.cohort_award_id
        GROUP BY awards.cohort_template_id
    """  # noqa: S608  (both parts are the ORM's own SQL, with their parameters passed apart)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*awards_params, *emails_params))
        rows = cursor.fetchall()
    return [
        {"template_id": template_id, "emails_sent": sent, "emails_failed": failed, "emails_queued": queued}
        for template_id, sent, failed, queued in rows
    ]


def _weeks(scope, start, end):
    """Issued and accepted per week (Monday first), every week of the range listed, empty ones too."""
    issued = dict(
        scope.filter(issued_on__gte=start, issued_on__lte=end)
        .annotate(week=TruncWeek("issued_on"))
        .values("week")
        .annotate(count=Count("pk"))
        .values_list("week", "count")
    )
    # Bounds as moments, not `accepted_at__date`: a condition on the column itself, without converting each row.
    accepted_range = {"accepted_at__gte": _start_of(start), "accepted_at__lt": _start_of(end + timedelta(days=1))}
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


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value
