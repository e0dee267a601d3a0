"""Refreshes on the real stack: PostgreSQL, Redis as broker and a Celery worker."""

import time

import pytest
from django.conf import settings
from django.db import connection

from badges.awards.services import award_accept
from badges.models import AwardState
from badges.tests.factories import AwardFactory, BadgeTemplateFactory, CertificationFactory
from conftest import require_service
from jobs.models import JobPosting, JobSource
from jobs.tasks import jobs_tick

from .factories import CertificationOccupationFactory, OccupationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        require_service("PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (make test-integration does)")
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping, which start_worker expects)
    from celery.contrib.testing.worker import start_worker

    from badgeportal.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
        yield running


def _eventually(check, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(autouse=True)
def _sources():
    # The sources come from a data migration, which an earlier transactional test's flush removes.
    for name in JobSource.Name.values:
        JobSource.objects.get_or_create(name=name)


@pytest.fixture
def certification():
    certification = CertificationFactory()
    CertificationOccupationFactory(certification=certification, occupation=OccupationFactory(soc_code="15-1212"))
    return certification


def test_accepting_a_badge_fetches_its_postings_on_the_worker(worker, certification):
    award = AwardFactory(template=BadgeTemplateFactory(certification=certification))

    award_accept(award=award)

    assert award.state == AwardState.ACCEPTED
    assert _eventually(lambda: JobPosting.objects.filter(certifications=certification).exists())


def test_the_beat_tick_runs_a_due_source_on_the_worker(worker, certification):
    from badges.tests.factories import AcceptedAwardFactory

    AcceptedAwardFactory(template=BadgeTemplateFactory(certification=certification))

    jobs_tick.delay()

    assert _eventually(lambda: JobSource.objects.get(name="bundled").last_status == "ok")
    assert JobPosting.objects.filter(certifications=certification).exists()
