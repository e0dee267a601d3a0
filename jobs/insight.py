"""The market insight on the Jobs tab: how many fitting postings were published over time, who posts them and
where, and which data that is (its sources and dates).

The database aggregates it in three grouped queries, whatever the number of postings: one row per month and
source, then the top few employers and places. Over 100,000 postings that still takes long enough to matter
(bench/README.md), so it runs when a certification's postings are refreshed and is stored
(`MarketInsight`, `jobs.services.market_insight_recompute`), as the market salary figures are; the tab
reads one row.
"""

from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth

from .charts import postings_chart
from .models import NYC_ORIGIN, JobSource, MarketInsight

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


def _month_key(value):
    # TruncMonth of a DateField gives a date; some backends give a datetime.
    return f"{value:%Y-%m}"


def _top(postings, field):
    rows = postings.exclude(**{field: ""}).values(field).annotate(n=Count("pk")).order_by("-n", field)[:TOP]
    return [[row[field], row["n"]] for row in rows]


def market_insight_compute(postings):
    """The insight for `postings` (a queryset of the open postings that fit a certification), as JSON-ready
    values: counts per "YYYY-MM" month, undated ones apart, the top employers and regions, sources, and when
    the newest of them was fetched."""
    postings = postings.order_by()
    rows = list(
        postings.annotate(month=TruncMonth("posted_on"))
        .values("month", "source", "origin")
        .annotate(n=Count("pk"), remote=Count("pk", filter=Q(remote=True)), fetched=Max("fetched_at"))
        .order_by()
    )
    months, sources, undated = {}, {}, 0
    for row in rows:
        if row["month"] is None:
            undated += row["n"]
        else:
            key = _month_key(row["month"])
            months[key] = months.get(key, 0) + row["n"]
        label = source_label(row["source"], row["origin"])
        sources[label] = sources.get(label, 0) + row["n"]
    fetched = max((row["fetched"] for row in rows), default=None)
    return {
        "total": sum(row["n"] for row in rows),
        "remote": sum(row["remote"] for row in rows),
        "undated": undated,
        "months": sorted(months.items()),
        "sources": sorted(sources.items(), key=lambda item: (-item[1], item[0])),
        "fetched": fetched.isoformat() if fetched else None,
        "employers": _top(postings, "employer") if rows else [],
        "regions": _top(postings, "region") if rows else [],
    }


def _first_day(key):
    year, month = key.split("-")
    return date(int(year), int(month), 1)


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


def market_insight(stored):
    """What the Jobs tab shows from a stored `MarketInsight`, or None when no posting fits."""
    if stored is None or not stored.data.get("total"):
        return None
    data = stored.data
    counts = {_first_day(key): count for key, count in data["months"]}
    periods, grain = _periods(counts)
    return {
        "total": data["total"],
        "remote": data["remote"],
        "undated": data["undated"],
        "grain": grain,
        "periods": periods,
        "chart": postings_chart(periods, grain) if periods else None,
        "first_month": min(counts) if counts else None,
        "last_month": max(counts) if counts else None,
        "fetched": datetime.fromisoformat(data["fetched"]) if data["fetched"] else None,
        "computed_at": stored.computed_at,
        "sources": data["sources"],
        "employers": [{"name": name, "count": count} for name, count in data["employers"]],
        "regions": [{"name": name, "count": count} for name, count in data["regions"]],
    }


def cached_market_insight(certification_ids, *, version):
    """The Jobs tab's insight context (`insight`, `insight_pending`) for a badge standing for `certification_ids`,
    cached under the postings `version`, which a write of the stored insight raises too (migrations/0006).
    Kept per certification, as the market salaries are: an exam badge shows its first certification's."""

    def read():
        stored = MarketInsight.objects.filter(certification_id__in=certification_ids[:1]).first()
        return {"insight": market_insight(stored), "insight_pending": stored is None}

    if version is None:
        return read()
    key = f"jobs:insight:{version}:{certification_ids[0] if certification_ids else ''}"
    insight = cache.get(key)
    if insight is None:
        insight = read()
        cache.set(key, insight, settings.JOBS_SEARCH_CACHE_SECONDS)
    return insight
