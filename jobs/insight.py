"""The market insight on the Jobs tab: how many fitting postings were published over time, who posts them and
where, and which data that is (its sources and dates).

Computed by the database from the postings we hold, in three grouped queries whatever their number: the rows
that come back are one per month and source, and the top few employers and places.
"""

from datetime import date

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth

from .charts import postings_chart
from .models import NYC_ORIGIN, JobSource

TOP = 5
# Up to this many months from the first posting to the last, a bar a month; longer, a bar a year.
MONTHLY_SPAN = 24


def source_label(source, origin):
    """The name a posting's data is credited to, as the attribution lines give it."""
    if origin == NYC_ORIGIN:
        return "City of New York, NYC Open Data - NYC Jobs"
    if JobSource.Name.USAJOBS in (source, origin):
        return "USAJOBS"
    if source == JobSource.Name.ADZUNA:
        return "Adzuna"
    return JobSource.Name(source).label if source in JobSource.Name.values else source


def _months_between(first, last):
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _periods(counts):
    """[(label, first day, count)] from the first month with postings to the last, gaps included as zero; by
    year when that span is longer than MONTHLY_SPAN months."""
    if not counts:
        return [], "month"
    first, last = min(counts), max(counts)
    if _months_between(first, last) > MONTHLY_SPAN:
        years = {}
        for month, count in counts.items():
            years[month.year] = years.get(month.year, 0) + count
        return [(str(year), date(year, 1, 1), years.get(year, 0)) for year in range(first.year, last.year + 1)], "year"
    periods, month = [], first
    while month <= last:
        periods.append((f"{month:%b} {month.year}", month, counts.get(month, 0)))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return periods, "month"


def _as_date(value):
    # TruncMonth of a DateField gives a date; some backends give a datetime.
    return value.date() if hasattr(value, "date") else value


def _top(postings, field):
    rows = postings.exclude(**{field: ""}).values(field).annotate(n=Count("pk")).order_by("-n", field)[:TOP]
    return [{"name": row[field], "count": row["n"]} for row in rows]


def market_insight(postings):
    """The insight for `postings` (a queryset of the postings that fit a badge), or None when there are none."""
    postings = postings.order_by()
    rows = list(
        postings.annotate(month=TruncMonth("posted_on"))
        .values("month", "source", "origin")
        .annotate(n=Count("pk"), remote=Count("pk", filter=Q(remote=True)), fetched=Max("fetched_at"))
        .order_by()
    )
    if not rows:
        return None
    by_month, sources, undated = {}, {}, 0
    for row in rows:
        if row["month"] is None:
            undated += row["n"]
        else:
            month = _as_date(row["month"])
            by_month[month] = by_month.get(month, 0) + row["n"]
        label = source_label(row["source"], row["origin"])
        sources[label] = sources.get(label, 0) + row["n"]
    periods, grain = _periods(by_month)
    return {
        "total": sum(row["n"] for row in rows),
        "remote": sum(row["remote"] for row in rows),
        "undated": undated,
        "grain": grain,
        "periods": periods,
        "chart": postings_chart(periods, grain) if periods else None,
        "first_month": min(by_month) if by_month else None,
        "last_month": max(by_month) if by_month else None,
        "fetched": max(row["fetched"] for row in rows),
        "sources": sorted(sources.items(), key=lambda item: (-item[1], item[0])),
        "employers": _top(postings, "employer"),
        "regions": _top(postings, "region"),
    }
