from io import StringIO

import pytest
from django.core.management import call_command

from badgeportal.tests import SAMPLE_DATA_DIR
from jobs.models import JobPosting, MarketSalary, OccupationWage

pytestmark = pytest.mark.django_db


def test_demo_data_loads_labor_data_and_bundled_postings_once(settings):
    settings.DATA_DIR = settings.JOBS_DATA_DIR = SAMPLE_DATA_DIR
    call_command("load_demo", stdout=StringIO())
    counts = (JobPosting.objects.count(), OccupationWage.objects.count(), MarketSalary.objects.count())

    call_command("load_demo", stdout=StringIO())

    assert counts[0] > 0 and counts[1] > 0 and counts[2] > 0
    assert (JobPosting.objects.count(), OccupationWage.objects.count(), MarketSalary.objects.count()) == counts


def test_refresh_jobs_reports_an_unconfigured_source(settings):
    settings.ADZUNA_APP_ID = ""
    out = StringIO()

    call_command("refresh_jobs", "adzuna", stdout=out)

    assert "not configured" in out.getvalue()
