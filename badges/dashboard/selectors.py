"""The program dashboard's figures, counted by the database: a fixed number of queries whatever the number
of awards (`dashboard_figures` makes eight).

The awards counted are those issued in the chosen range (a cohort): issued, claim emails, claim links opened,
accepted, declined, pending, revoked, expired, the acceptance rate, the median time to accept and the
shares. Page views and the weekly chart count what happened in the range: views on those days, awards
issued and accepted in each week.

Everything but the page views (already one row per award and day, summed by template and day) is read
from rollups per template and day (`AwardDaySummary`, `AwardAcceptDays`, `AwardAcceptedDay`,
`AwardDayClaimEmails`, `AwardDayShares`), which triggers keep exact with every write to the awards, the
outbox and the share counts (migration 0015): a range costs its days x templates, not its awards. The median
is taken from whole days (each award's time to accept rounded down to the day), and the page says so.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from ..models import (
    Award,
    AwardAcceptDays,
    AwardAcceptedDay,
    AwardDayClaimEmails,
    AwardDayShares,
    AwardDaySummary,
    AwardPageView,
    AwardState,
    BadgeTemplate,
    ShareChannel,
)

# The time zone of the days `AwardAcceptedDay` counts (the site's, settings.TIME_ZONE, at the migration).
ROLLUP_TIME_ZONE = "UTC"
# The claim emails of the range's awards by state (the outbox's `STATE_Q`, as the rollup's triggers apply it).
EMAIL_SUMS = {"emails_sent": Sum("sent"), "emails_failed": Sum("failed"), "emails_queued": Sum("queued")}
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


def _summary_sums(today):
    """The award counts, summed from the rollup rows (`AwardDaySummary`): the conditions each count stands
    for are in the migration that writes them (badges/migrations/0015_dashboard_rollup.py)."""
    return {
        # Not revoked and past its expiry date: the rows are keyed by expiry date, so this stays exact for any
        # `today` (a badge that never expires is filed under `NEVER_EXPIRES`). First, so that `F("issued")`
        # names the column, not the sum annotated below under the same name.
        "expired": Sum(F("issued") - F("revoked"), filter=Q(expires_on__lt=today)),
        **{name: Sum(name) for name in ("issued", "opened", "accepted", "declined", "pending", "revoked")},
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
    in_scope = scope_q(issuer=issuer, template=template)
    scope = Award.objects.filter(in_scope).order_by()
    # A key's counts are the sums of its rows (one per slot, any of them possibly negative: migration 0015), so
    # rows are only ever summed; a key whose awards were deleted (or moved) sums to nothing.
    summary = AwardDaySummary.objects.filter(in_scope, issued_q(start, end))
    accept_days = AwardAcceptDays.objects.filter(in_scope, issued_q(start, end))
    accepted_days = AwardAcceptedDay.objects.filter(in_scope, accepted_on__gte=start, accepted_on__lte=end)
    issued_in_range = summary.values("template_id").annotate(awards=Sum("issued")).filter(awards__gt=0)

    rows = {}
    views = AwardPageView.objects.filter(in_scope, day__gte=start, day__lte=end)
    # Templates with an award issued in the range, or a page view in it.
    templates = BadgeTemplate.objects.select_related("issuer").filter(
        Q(pk__in=issued_in_range.values("template_id")) | Q(pk__in=views.values("template_id"))
    )  # query 1
    for badge_template in templates.order_by("name"):
        rows[badge_template.pk] = Figures(template=badge_template)
    total = Figures()
    for values in summary.values("template_id").annotate(**_summary_sums(today)).order_by():  # query 2
        _add(rows, total, values.pop("template_id"), values)
    _medians(rows, total, accept_days)  # query 3

    emails = AwardDayClaimEmails.objects.filter(in_scope, issued_q(start, end))
    for values in emails.values("template_id").annotate(**EMAIL_SUMS).order_by():  # query 4
        _add(rows, total, values.pop("template_id"), values)
    for values in views.values("template_id").annotate(page_views=Sum("views")).order_by():  # query 5
        _add(rows, total, values.pop("template_id"), values)
    shares = AwardDayShares.objects.filter(in_scope, issued_q(start, end))
    for values in shares.values("channel", "template_id").annotate(clicks=Sum("clicks")).order_by():  # query 6
        if not values["clicks"]:
            continue
        row = rows.get(values["template_id"])
        if row is not None:
            row.shares[values["channel"]] = values["clicks"]
        total.shares[values["channel"]] = total.shares.get(values["channel"], 0) + values["clicks"]

    return Dashboard(
        rows=list(rows.values()),
        total=total,
        weeks=_weeks(scope, summary, accepted_days, start, end),  # queries 7 and 8
    )


def _medians(rows, total, accept_days):
    """The median time to accept per template and for the total, from the histograms of whole days: the
    median of the awards' times each rounded down to the day (within a day of the exact median)."""
    histograms = {}
    for template_id, days, awards in (
        accept_days.values_list("template_id", "days").annotate(awards=Sum("awards")).order_by()
    ):
        histograms.setdefault(template_id, Counter())[days] += awards
    for template_id, histogram in histograms.items():
        row = rows.get(template_id)
        if row is not None:
            row.median_time_to_accept = median_of_days(histogram)
    total.median_time_to_accept = median_of_days(sum(histograms.values(), Counter()))


def median_of_days(histogram):
    """The median of a histogram {whole days: how many}, as a duration; None when it counts nothing."""
    count = sum(awards for awards in histogram.values() if awards > 0)
    if not count:
        return None
    middle = {(count - 1) // 2, count // 2}  # one position for an odd count, the two central ones for even
    found, seen = [], 0
    for days in sorted(histogram):
        awards = histogram[days]
        if awards <= 0:
            continue
        found += [days for position in middle if seen <= position < seen + awards]
        seen += awards
    return timedelta(days=sum(found) / len(found))


def _add(rows, total, template_id, values):
    row = rows.get(template_id)
    for name, value in values.items():
        if row is not None:
            setattr(row, name, getattr(row, name) + (value or 0))
        setattr(total, name, getattr(total, name) + (value or 0))


def _weeks(scope, summary, accepted_days, start, end):
    """Issued and accepted per week (Monday first), every week of the range listed, empty ones too."""
    issued = _per_week(summary, "issued_on", Sum("issued"))
    if timezone.get_current_timezone_name() == ROLLUP_TIME_ZONE:
        accepted = _per_week(accepted_days, "accepted_on", Sum("awards"))
    else:
        # The rollup's days are UTC days: in another time zone, the weeks are counted from the awards.
        # Bounds as moments, not `accepted_at__date`: a condition on the column itself, without converting
        # each row.
        accepted_range = {"accepted_at__gte": _start_of(start), "accepted_at__lt": _start_of(end + timedelta(days=1))}
        accepted = _per_week(scope.filter(state=AwardState.ACCEPTED, **accepted_range), "accepted_at", Count("pk"))
    accepted = {_as_date(week): count for week, count in accepted.items()}
    issued = {_as_date(week): count for week, count in issued.items()}
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append((monday, issued.get(monday, 0), accepted.get(monday, 0)))
        monday += timedelta(days=7)
    return weeks


def _per_week(rows, day, amount):
    """{week: amount} of `rows` by the Monday of their `day` field."""
    return dict(
        rows.annotate(week=TruncWeek(day)).values("week").annotate(count=amount).values_list("week", "count").order_by()
    )


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value
