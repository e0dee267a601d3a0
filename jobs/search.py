"""The Jobs tab's filters. PostgreSQL searches words with a GIN-indexed full-text vector; other
databases (SQLite in development) fall back to substring matches."""

import hashlib
import json
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, F, Max, Min, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from badges.models import Certification

from .models import JobPosting, PostingStatus

COUNT_CAP = 1000
SORTS = {
    "newest": [F("posted_on").desc(nulls_last=True), "-id"],
    "salary": [F("annual_salary_max").desc(nulls_last=True), F("posted_on").desc(nulls_last=True), "-id"],
}


def _matches_words(keyword):
    """Full-text match on the generated `search_document` column (see migrations/0002)."""
    column = f"{connection.ops.quote_name(JobPosting._meta.db_table)}.search_document"
    return RawSQL(  # noqa: S611 (constant SQL; the keyword is a bound parameter)
        f"{column} @@ websearch_to_tsquery('english'::regconfig, %s)", [keyword], output_field=BooleanField()
    )


def certification_ids_for(template):
    """The certifications a badge stands for: its own, or those its exam counts towards."""
    if template.certification_id:
        return [template.certification_id]
    if template.exam_id:
        return list(Certification.objects.filter(exams=template.exam_id).order_by("pk").values_list("pk", flat=True))
    return []


def postings_for_certifications(certification_ids):
    if len(certification_ids) == 1:
        return JobPosting.objects.filter(certifications=certification_ids[0], status=PostingStatus.OPEN)
    fits = JobPosting.certifications.through.objects.filter(
        jobposting_id=OuterRef("pk"), certification_id__in=certification_ids
    )
    return JobPosting.objects.filter(Exists(fits), status=PostingStatus.OPEN)


def split_by_age(postings):
    """(current, older): postings published within JOBS_FRESH_DAYS, and the rest.

    A posting without a date counts as current while its source still lists it: fetched within the limit.
    """
    since, listed_since = _age_limits()
    current = Q(posted_on__gte=since) | Q(posted_on__isnull=True, fetched_at__gte=listed_since)
    older = Q(posted_on__lt=since) | Q(posted_on__isnull=True, fetched_at__lt=listed_since)
    return postings.filter(current), postings.filter(older)


def _age_limits():
    age_limit = timedelta(days=settings.JOBS_FRESH_DAYS)
    return timezone.localdate() - age_limit, timezone.now() - age_limit


def match_rows(postings, cap=None):
    """(id, posted_on, fetched_at) of each of up to `cap` matches, in the search's order; None when there are
    more, and the split by age is left to the database."""
    cap = COUNT_CAP if cap is None else cap
    rows = list(postings.values_list("pk", "posted_on", "fetched_at")[: cap + 1])
    return None if len(rows) > cap else rows


def postings_version():
    """The postings' version (migrations/0005), or None when its row is missing (a flushed test database)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM jobs_postingsversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def cached_match_rows(search, *, version, certification_ids, filters, cap=None):
    """`match_rows` of the queryset `search()` returns, cached under the postings' `version` (`postings_version()`,
    read once per page). `search` is called only on a miss: building the queryset is ~0.4 ms of the ORM.

    The search's ids are the page's most expensive part (~9 ms of PostgreSQL for the bench's four filters over
    100,000 postings) and the same searches repeat. The key holds the version, which the database raises in
    the same transaction as any change to the postings or their links, so a refresh is seen at once: a reader
    that read the old version before the commit reads rows from before or after it and stores them under the
    old key, which no one reads after the commit. The split by age is done per request from the rows (it
    moves with the clock, not with the postings). No query on a hit, one on a miss.
    """
    cap = COUNT_CAP if cap is None else cap
    if version is None:
        return match_rows(search(), cap)
    asked = json.dumps([certification_ids, filters, cap], sort_keys=True, default=str)
    key = f"jobs:matches:{version}:{hashlib.sha256(asked.encode()).hexdigest()}"
    cached = cache.get(key)
    if cached is None:
        cached = {"rows": match_rows(search(), cap)}
        cache.set(key, cached, settings.JOBS_SEARCH_CACHE_SECONDS)
    return cached["rows"]


def split_ids_by_age(rows):
    """`split_by_age` of `match_rows`: (current, older), each a list of (id, posted_on) in the search's order.

    One query instead of three (any current? the page's ids, any older?): the two EXISTS are cheap in
    PostgreSQL (0.2-0.3 ms, they stop at the first row), so what this saves is mostly their round trips
    and building them through the ORM, about a millisecond a page.
    """
    since, listed_since = _age_limits()
    current, older = [], []
    for pk, posted_on, fetched_at in rows:
        is_current = posted_on >= since if posted_on is not None else fetched_at >= listed_since
        (current if is_current else older).append((pk, posted_on))
    return current, older


def next_split_change(rows):
    """The first instant at which `split_ids_by_age(rows)` will split them otherwise, None if never: when the first
    current one turns older. A dated posting does at the local midnight after `posted_on` + JOBS_FRESH_DAYS, an
    undated one JOBS_FRESH_DAYS after it was last fetched (at that instant exactly it is still current: the
    answer is early by an instant, never late)."""
    since, listed_since = _age_limits()
    days = timedelta(days=settings.JOBS_FRESH_DAYS)
    first_dated, first_fetched = None, None
    for _, posted_on, fetched_at in rows:
        if posted_on is not None:
            if posted_on >= since and (first_dated is None or posted_on < first_dated):
                first_dated = posted_on
        elif fetched_at >= listed_since and (first_fetched is None or fetched_at < first_fetched):
            first_fetched = fetched_at
    instants = []
    if first_dated is not None:
        instants.append(timezone.make_aware(datetime.combine(first_dated + days + timedelta(days=1), time.min)))
    if first_fetched is not None:
        instants.append(first_fetched + days)
    return min(instants, default=None)


def page_of_ids(ids, number, *, per_page):
    """One page of the matching `ids`, in order, already known (`split_ids_by_age`); its rows are not loaded."""
    page = Paginator(ids, per_page).get_page(number)
    page.object_list = list(page.object_list)
    page.more_than_counted = False
    return page


def posted_between(postings):
    """The first and last publication dates among `postings`, in one query."""
    dates = postings.order_by().aggregate(first=Min("posted_on"), last=Max("posted_on"))
    return dates["first"], dates["last"]


def paginate_ids(queryset, number, *, per_page, cap=COUNT_CAP):
    """One page of the ids of `queryset` in one query, however many rows match: `paginate` without the rows."""
    ids = list(queryset.values_list("pk", flat=True)[: cap + 1])
    page = Paginator(ids[:cap], per_page).get_page(number)
    page.object_list = list(page.object_list)
    page.more_than_counted = len(ids) > cap
    return page


def paginate(queryset, number, *, per_page, cap=COUNT_CAP):
    """One page of `queryset` in two queries, however many rows match.

    The first reads the ids of up to `cap` + 1 matches in order (the filters run once, and a broad
    search stops early on the sort index); the second loads the page's rows by primary key. Past
    the cap the page says "1,000+" and pages go as far as the cap.
    """
    page = paginate_ids(queryset, number, per_page=per_page, cap=cap)
    page.object_list = list(queryset.filter(pk__in=page.object_list)) if page.object_list else []
    return page


def postings_filter(queryset, *, keyword="", location="", remote=False, min_salary=None, sort="newest"):
    keyword = keyword.strip()
    if keyword:
        if connection.vendor == "postgresql":
            queryset = queryset.filter(_matches_words(keyword))
        else:
            words = Q()
            for word in keyword.split():
                words &= Q(title__icontains=word) | Q(employer__icontains=word) | Q(description__icontains=word)
            queryset = queryset.filter(words)
    if location.strip():
        queryset = queryset.filter(locations__icontains=location.strip())
    if remote:
        queryset = queryset.filter(remote=True)
    if min_salary:
        queryset = queryset.filter(annual_salary_max__gte=min_salary)
    return queryset.order_by(*SORTS.get(sort, SORTS["newest"]))
