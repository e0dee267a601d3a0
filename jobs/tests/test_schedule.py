from datetime import timedelta

import pytest
from django.utils import timezone

from badges.awards.services import award_accept, award_restore
from badges.models import AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory, CertificationFactory
from jobs.models import CertificationRefresh, JobPosting, JobSource
from jobs.services import jobs_tick, source_is_due

from .factories import CertificationOccupationFactory, OccupationFactory, job_source

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _source(**fields):
    return JobSource(name="usajobs", interval_minutes=60, **fields)


def test_a_source_that_never_ran_is_due():
    assert source_is_due(_source(last_run_at=None), NOW)


def test_a_source_is_not_due_within_its_interval():
    assert not source_is_due(_source(last_run_at=NOW - timedelta(minutes=59)), NOW)


def test_a_source_is_due_once_its_interval_has_passed():
    assert source_is_due(_source(last_run_at=NOW - timedelta(minutes=60)), NOW)


def test_a_disabled_source_is_never_due():
    assert not source_is_due(_source(enabled=False, last_run_at=None), NOW)


@pytest.fixture
def held_certification():
    certification = CertificationFactory()
    CertificationOccupationFactory(certification=certification, occupation=OccupationFactory(soc_code="15-2051"))
    AcceptedAwardFactory(template=BadgeTemplateFactory(certification=certification))
    return certification


def test_tick_runs_only_the_sources_that_are_due(django_capture_on_commit_callbacks, held_certification):
    JobSource.objects.filter(name="usajobs").update(last_run_at=timezone.now(), last_status="ok")

    with django_capture_on_commit_callbacks(execute=True):
        started = jobs_tick()

    assert "bundled" in started and "usajobs" not in started
    assert job_source("bundled").last_status == "ok"
    assert JobPosting.objects.filter(certifications=held_certification).exists()


def test_a_second_tick_does_not_start_a_running_source_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        jobs_tick()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = jobs_tick()

    assert started == [] and callbacks == []


def test_interval_is_taken_from_the_row_staff_edit(django_capture_on_commit_callbacks):
    JobSource.objects.update(last_run_at=timezone.now() - timedelta(minutes=10))
    JobSource.objects.filter(name="bundled").update(interval_minutes=5)

    with django_capture_on_commit_callbacks(execute=False):
        started = jobs_tick()

    assert started == ["bundled"]


def test_accepting_a_badge_refreshes_its_stale_job_data(django_capture_on_commit_callbacks, held_certification):
    award = AwardFactory(template=held_certification.badge_template, earner=AcceptedAwardFactory().earner)

    with django_capture_on_commit_callbacks(execute=True):
        award_accept(award=award)

    assert award.state == AwardState.ACCEPTED
    assert CertificationRefresh.objects.get(certification=held_certification, source__name="bundled").status == "ok"
    assert JobPosting.objects.filter(certifications=held_certification).exists()


def test_restoring_a_declined_badge_unlocks_nothing_until_it_is_accepted(
    django_capture_on_commit_callbacks, held_certification
):
    award = AwardFactory(template=held_certification.badge_template, state=AwardState.DECLINED)

    with django_capture_on_commit_callbacks(execute=True):
        award_restore(award=award)
    assert not CertificationRefresh.objects.filter(certification=held_certification).exists()

    with django_capture_on_commit_callbacks(execute=True):
        award_accept(award=award)
    assert CertificationRefresh.objects.get(certification=held_certification, source__name="bundled").status == "ok"


def test_accepting_a_badge_with_fresh_job_data_refreshes_nothing(
    django_capture_on_commit_callbacks, held_certification
):
    refreshed_at = timezone.now()
    CertificationRefresh.objects.create(
        certification=held_certification, source=job_source("bundled"), refreshed_at=refreshed_at, status="ok"
    )
    award = AwardFactory(template=held_certification.badge_template)

    with django_capture_on_commit_callbacks(execute=True):
        award_accept(award=award)

    assert CertificationRefresh.objects.get(certification=held_certification).refreshed_at == refreshed_at
    assert not JobPosting.objects.filter(certifications=held_certification).exists()
