"""The Jobs tab's filters. PostgreSQL searches words with a GIN-indexed full-text vector; other
databases (SQLite in development) fall back to substring matches."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from badges.models import Certification

from .models import JobPosting, PostingStatus

SORTS = {
    "newest": [F("posted_on").desc(nulls_last=True), "-id"],
    "salary": [F("annual_salary_max").desc(nulls_last=True), F("posted_on").desc(nulls_last=True), "-id"],
}


def posting_search_vector():
    # Keep identical to the index in migrations/0002_sources_and_search_index.py.
    return SearchVector("title", "employer", "description", config="english")


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
