"""The program dashboard, an admin page: `/admin/dashboard/` (linked from the admin index)."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from ..public.page_views import page_views_flush
from .chart import weekly_chart
from .forms import DashboardForm
from .selectors import dashboard_figures


def dashboard(request):
    if not request.user.has_perm("badges.view_award"):
        raise PermissionDenied
    today = timezone.localdate()
    start, end = DashboardForm.default_range(today)
    form = DashboardForm(request.GET if "start" in request.GET else None, initial={"start": start, "end": end})
    issuer = template = None
    if form.is_bound and form.is_valid():
        issuer, template = form.cleaned_data["issuer"], form.cleaned_data["template"]
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    # The views counted in Redis since the last flush, so that the figures are current.
    page_views_flush()
    figures = dashboard_figures(start=start, end=end, issuer=issuer, template=template, today=today)
    if request.GET.get("format") == "csv":
        return _csv(figures, start, end)
    context = {
        **admin.site.each_context(request),
        "title": "Program dashboard",
        "form": form,
        "figures": figures,
        "start": start,
        "end": end,
        "chart": weekly_chart(figures.weeks),
        "csv_query": _csv_query(request),
    }
    return TemplateResponse(request, "admin/badges/dashboard.html", context)


def _csv_query(request):
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


COLUMNS = [
    ("Issued", "issued"),
    ("Claim emails sent", "emails_sent"),
    ("Claim emails failed", "emails_failed"),
    ("Claim emails queued", "emails_queued"),
    ("Claim links opened", "opened"),
    ("Accepted", "accepted"),
    ("Declined", "declined"),
    ("Pending", "pending"),
    ("Revoked", "revoked"),
    ("Expired", "expired"),
    ("Acceptance rate (%)", "acceptance_rate"),
    ("Median days to accept (whole days)", "median_days"),
    ("Page views", "page_views"),
]


def _cell(value):
    # A spreadsheet runs a cell that starts with = + - @ as a formula: a badge's name must not.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def median_days(figures):
    duration = figures.median_time_to_accept
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _value(row, attribute):
    return median_days(row) if attribute == "median_days" else getattr(row, attribute)


def _csv(figures, start, end):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="badge-program-{start}-to-{end}.csv"'
    writer = csv.writer(response)
    channels = figures.channels
    writer.writerow(
        ["Badge", "Issuer", *[title for title, _ in COLUMNS], *[f"Shares: {label}" for _, label in channels]]
    )
    for row in [*figures.rows, figures.total]:
        name = row.template.name if row.template else "All badges"
        issuer = row.template.issuer.name if row.template else ""
        values = [
            median_days(row) if attribute == "median_days" else getattr(row, attribute) for _, attribute in COLUMNS
        ]
        shares = [row.shares.get(value, 0) for value, _ in channels]
        writer.writerow([_cell(value) for value in (name, issuer, *values, *shares)])
    return response
