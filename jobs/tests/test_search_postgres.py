"""On PostgreSQL the keyword search runs on the GIN full-text index the migration creates."""

import pytest
from django.db import connection

from conftest import require_service
from jobs.models import JobPosting
from jobs.search import postings_filter

from .factories import JobPostingFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: set DATABASE_URL=postgres://... (make test-integration does)")


def test_the_keyword_search_uses_the_gin_index():
    JobPostingFactory(title="Azure administrator")
    queryset = postings_filter(JobPosting.objects.all(), keyword="administrator")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "job_posting_search" in plan


def test_words_match_by_stem_across_title_employer_and_description():
    JobPostingFactory(title="Administrators wanted", employer="Contoso")
    JobPostingFactory(title="Engineer", employer="Fabrikam", description="You will administer Azure tenants")
    JobPostingFactory(title="Gardener")

    found = postings_filter(JobPosting.objects.all(), keyword="administrator")

    assert sorted(found.values_list("employer", flat=True)) == ["Contoso"]
    assert postings_filter(JobPosting.objects.all(), keyword="azure fabrikam").count() == 1
