"""Public page views counted in Redis and written to the database (badges/public/page_views.py)."""

from datetime import date

import pytest

from badges.models import AwardPageView
from badges.public.page_views import page_view_count, page_views_flush
from badges.tests.factories import AcceptedAwardFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_page_views_counted_in_redis_reach_the_database_once(real_services):
    award = AcceptedAwardFactory()
    for _ in range(3):
        page_view_count(award.public_id)

    assert page_views_flush() == 3
    assert page_views_flush() == 0
    assert AwardPageView.objects.get(award=award).views == 3


def test_views_counted_after_a_flush_wait_for_the_next_one_and_old_days_leave_the_list(real_services):
    award = AcceptedAwardFactory()
    page_view_count(award.public_id, day=date(2026, 1, 5))
    page_view_count(award.public_id)
    page_views_flush()

    page_view_count(award.public_id)

    assert page_views_flush() == 1
    assert sum(AwardPageView.objects.filter(award=award).values_list("views", flat=True)) == 3
    assert page_views_flush() == 0  # the past day left the list; today's hash is empty
