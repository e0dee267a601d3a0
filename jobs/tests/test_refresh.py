from datetime import timedelta

import pytest
from django.utils import timezone

from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, CertificationFactory
from jobs.models import CertificationRefresh, JobPosting, JobSource, MarketSalary, PostingStatus
from jobs.services import job_postings_purge, jobs_refresh, jobs_source_run

from .factories import CertificationOccupationFactory, JobPostingFactory, OccupationFactory, job_source
from .payloads import usajobs_item, usajobs_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def certification():
    certification = CertificationFactory(name="Microsoft Certified: Azure Security Engineer Associate")
    CertificationOccupationFactory(certification=certification, occupation=OccupationFactory(soc_code="15-1212"))
    AcceptedAwardFactory(template=BadgeTemplateFactory(certification=certification))
    return certification


def _answer(fake_api, *items):
    fake_api.add(usajobs_page(list(items), pages=1))


def _refresh(certification):
    return jobs_refresh(certification=certification, source=job_source("usajobs"))


def _fail(fake_api):
    for _ in range(3):
        fake_api.add({"error": "down"}, status=500)


def test_first_refresh_stores_postings_for_the_certification(fake_api, certification):
    _answer(fake_api, usajobs_item(1), usajobs_item(2, title="Security Analyst"))

    outcome = _refresh(certification)

    assert (outcome.ok, outcome.fetched, outcome.created) == (True, 2, 2)
    postings = JobPosting.objects.filter(certifications=certification, source="usajobs")
    assert sorted(postings.values_list("external_id", flat=True)) == ["1", "2"]
    assert postings.get(external_id="2").occupations.filter(soc_code="15-1212").exists()
    assert CertificationRefresh.objects.get(certification=certification).status == "ok"


def test_refresh_stores_a_location_once_when_the_source_repeats_its_state(fake_api, certification):
    item = usajobs_item(1)
    item["MatchedObjectDescriptor"]["PositionLocationDisplay"] = "Tucson, Arizona, Arizona; Mesa, arizona, Arizona"
    _answer(fake_api, item)

    _refresh(certification)

    posting = JobPosting.objects.get(external_id="1")
    assert (posting.locations, posting.region) == ("Tucson, Arizona; Mesa, arizona", "Arizona")


def test_refresh_updates_changed_postings_and_closes_vanished_ones(fake_api, certification):
    _answer(fake_api, usajobs_item(1), usajobs_item(2))
    _refresh(certification)
    _answer(fake_api, usajobs_item(1, high="130000"))

    outcome = _refresh(certification)

    assert (outcome.created, outcome.updated, outcome.closed) == (0, 1, 1)
    kept, gone = JobPosting.objects.get(external_id="1"), JobPosting.objects.get(external_id="2")
    assert (kept.status, kept.annual_salary_max) == (PostingStatus.OPEN, 130000)
    assert gone.status == PostingStatus.CLOSED and gone.closed_at is not None


def test_a_closed_posting_that_comes_back_reopens(fake_api, certification):
    _answer(fake_api, usajobs_item(1))
    _refresh(certification)
    _answer(fake_api)
    _refresh(certification)
    _answer(fake_api, usajobs_item(1))

    _refresh(certification)

    posting = JobPosting.objects.get(external_id="1")
    assert (posting.status, posting.closed_at) == (PostingStatus.OPEN, None)


def test_a_failed_refresh_changes_no_stored_posting(fake_api, certification):
    _answer(fake_api, usajobs_item(1), usajobs_item(2))
    _refresh(certification)
    before = list(JobPosting.objects.order_by("pk").values())
    _fail(fake_api)

    outcome = _refresh(certification)

    assert outcome.ok is False
    assert list(JobPosting.objects.order_by("pk").values()) == before
    refresh = CertificationRefresh.objects.get(certification=certification)
    assert refresh.status == "failed" and "HTTP 500" in refresh.error


def test_a_failure_on_the_second_page_keeps_the_first_page_out(fake_api, certification, settings):
    settings.JOBS_RESULTS_PER_PAGE = 1
    _answer(fake_api, usajobs_item(1))
    _refresh(certification)
    fake_api.add(usajobs_page([usajobs_item(7)], pages=2))
    _fail(fake_api)

    _refresh(certification)

    assert list(JobPosting.objects.values_list("external_id", "status")) == [("1", "open")]


def test_bad_records_are_counted_and_the_rest_stored(fake_api, certification):
    broken = usajobs_item(3)
    broken["MatchedObjectDescriptor"]["PositionTitle"] = ""
    _answer(fake_api, usajobs_item(1), broken)

    outcome = _refresh(certification)

    assert (outcome.ok, outcome.created, outcome.bad_records) == (True, 1, 1)


def test_market_salary_is_annualised_overall_and_per_region(fake_api, certification):
    hourly = usajobs_item(2, low="50", high="50", interval="PH")
    hourly["MatchedObjectDescriptor"]["PositionLocationDisplay"] = "Denver, Colorado"
    _answer(fake_api, usajobs_item(1, low="80000", high="100000"), hourly)

    _refresh(certification)

    overall = MarketSalary.objects.get(certification=certification, region="")
    assert (overall.postings, overall.low, overall.high, overall.median) == (2, 80000, 104000, 97000)
    colorado = MarketSalary.objects.get(certification=certification, region="Colorado")
    assert (colorado.postings, colorado.median) == (1, 104000)


def test_a_zero_minimum_is_stored_as_no_minimum(fake_api, certification):
    _answer(fake_api, usajobs_item(1, low="0", high="101791"))

    _refresh(certification)

    posting = JobPosting.objects.get(external_id="1")
    assert (posting.salary_min, posting.annual_salary_min, posting.annual_salary_max) == (None, None, 101791)
    assert MarketSalary.objects.get(certification=certification, region="").low == 101791


def test_source_run_records_counts_on_the_source(fake_api, certification):
    _answer(fake_api, usajobs_item(1), usajobs_item(2))

    jobs_source_run(source=job_source("usajobs"))

    source = JobSource.objects.get(name="usajobs")
    assert (source.last_status, source.last_fetched, source.last_created, source.last_error) == ("ok", 2, 2, "")
    assert source.last_run_at is not None


def test_source_run_records_a_failure_and_its_error(fake_api, certification):
    _fail(fake_api)

    jobs_source_run(source=job_source("usajobs"))

    source = JobSource.objects.get(name="usajobs")
    assert source.last_status == "failed" and "HTTP 500" in source.last_error


def test_source_without_keys_is_reported_not_configured(settings, certification):
    settings.USAJOBS_API_KEY = ""

    jobs_source_run(source=job_source("usajobs"))

    assert JobSource.objects.get(name="usajobs").last_status == "not configured"


def test_only_certifications_held_as_accepted_badges_are_refreshed(fake_api, certification):
    unheld = CertificationFactory()
    CertificationOccupationFactory(certification=unheld)
    _answer(fake_api, usajobs_item(1))

    jobs_source_run(source=job_source("usajobs"))

    assert len(fake_api.requests) == 1
    assert not JobPosting.objects.filter(certifications=unheld).exists()


def test_closed_postings_are_dropped_after_the_retention_period(settings):
    settings.JOBS_CLOSED_RETENTION_DAYS = 30
    now = timezone.now()
    old = JobPostingFactory(status=PostingStatus.CLOSED, closed_at=now - timedelta(days=31))
    recent = JobPostingFactory(status=PostingStatus.CLOSED, closed_at=now - timedelta(days=29))
    still_open = JobPostingFactory()

    job_postings_purge(now=now)

    assert set(JobPosting.objects.all()) == {recent, still_open}
    assert not JobPosting.objects.filter(pk=old.pk).exists()


def test_bundled_refresh_twice_changes_nothing_the_second_time(certification):
    first = jobs_refresh(certification=certification, source=job_source("bundled"))

    second = jobs_refresh(certification=certification, source=job_source("bundled"))

    assert first.created > 0
    assert (second.created, second.updated, second.closed) == (0, 0, 0)
    nyc = JobPosting.objects.filter(origin="nyc_open_data_jobs").first()
    assert nyc.region == "New York"
