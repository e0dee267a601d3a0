"""The Jobs tab's filters. PostgreSQL searches words with a GIN-indexed full-text vector; other
databases (SQLite in development) fall back to substring matches."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Q

from .models import JobPosting, PostingStatus

SORTS = {
    "newest": [F("posted_on").desc(nulls_last=True), "-id"],
    "salary": [F("annual_salary_max").desc(nulls_last=True), F("posted_on").desc(nulls_last=True), "-id"],
}


def posting_search_vector():
    # Keep identical to the index in migrations/0002_sources_and_search_index.py.
    return SearchVector("title", "employer", "description", config="english")


def postings_for_certification(certification):
    return JobPosting.objects.filter(certifications=certification, status=PostingStatus.OPEN)


def postings_filter(queryset, *, keyword="", location="", remote=False, min_salary=None, sort="newest"):
    keyword = keyword.strip()
    if keyword:
        if connection.vendor == "postgresql":
            queryset = queryset.annotate(search=posting_search_vector()).filter(
                search=SearchQuery(keyword, config="english", search_type="websearch")
            )
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
