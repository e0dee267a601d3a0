"""The shared rendering of the Jobs tab on PostgreSQL (full-text search, statement-level version triggers) and,
where REDIS_URL is set, in Redis: the same tests as test_tab_cache.py."""

import pytest
from django.db import connection

from conftest import require_service

from .test_tab_cache import *  # noqa: F403 (the same tests, collected again under this module's marks)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: set DATABASE_URL=postgres://... (make test-integration does)")
