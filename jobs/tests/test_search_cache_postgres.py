"""The postings version's triggers on PostgreSQL (statement-level, comparing whole rows): the same tests as
test_search_cache.py, run against the real database, and a write that changes nothing keeps the cache."""

import pytest
from django.db import connection

from conftest import require_service
from jobs.models import JobPosting
from jobs.search import postings_version

from .test_search_cache import *  # noqa: F403 (the same tests, collected again under this module's marks)
from .test_search_cache import _posting

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: set DATABASE_URL=postgres://... (make test-integration does)")


def test_a_write_that_changes_nothing_keeps_the_version(award):
    posting = _posting(award, title="Cloud engineer")
    version = postings_version()

    JobPosting.objects.filter(pk=posting.pk).update(title="Cloud engineer")

    assert postings_version() == version
