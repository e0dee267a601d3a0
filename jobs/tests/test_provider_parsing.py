from datetime import date
from decimal import Decimal

import pytest

from jobs.matching import occupation_codes_for, region_of
from jobs.providers import adzuna, bundled, usajobs
from jobs.providers.base import BadRecord, search_keyword

from .payloads import adzuna_item, usajobs_item


def test_usajobs_record_becomes_a_posting():
    posting = usajobs.parse_item(usajobs_item(846709300))

    assert posting.external_id == "846709300"
    assert posting.title == "IT Specialist (INFOSEC)"
    assert posting.employer == "Veterans Affairs, Veterans Health Administration (Department of Veterans Affairs)"
    assert posting.locations == "Washington, District of Columbia"
    assert (posting.salary_min, posting.salary_max, posting.salary_period) == (Decimal(89000), Decimal(115000), "year")
    assert (posting.posted_on, posting.closes_on) == (date(2026, 3, 2), date(2026, 4, 1))
    assert posting.apply_url == "https://www.usajobs.gov:443/job/846709300"
    assert posting.description == "Protect systems and data."


def test_usajobs_hourly_pay_keeps_its_period():
    posting = usajobs.parse_item(usajobs_item(1, low="31.50", high="40.95", interval="PH"))

    assert (posting.salary_min, posting.salary_period) == (Decimal("31.50"), "hour")


def test_usajobs_pay_without_a_known_interval_is_left_out():
    posting = usajobs.parse_item(usajobs_item(1, interval="WC"))

    assert (posting.salary_min, posting.salary_max, posting.salary_period) == (None, None, "")


def test_usajobs_record_with_a_bad_salary_is_rejected():
    with pytest.raises(BadRecord):
        usajobs.parse_item(usajobs_item(1, low="lots"))


def test_adzuna_record_becomes_a_posting():
    posting = adzuna.parse_item(adzuna_item(4321, predicted="1"))

    assert (posting.external_id, posting.title, posting.employer) == ("4321", "Azure Cloud Engineer", "Fabrikam")
    assert posting.locations == "Austin, Travis County"
    assert (posting.salary_min, posting.salary_max, posting.salary_period) == (Decimal(95000), Decimal(125000), "year")
    assert posting.salary_is_predicted is True
    assert posting.posted_on == date(2026, 3, 10)
    assert posting.apply_url.startswith("https://www.adzuna.com/land/ad/4321")


def test_adzuna_record_without_salary_has_no_period():
    item = adzuna_item(1)
    del item["salary_min"], item["salary_max"]

    posting = adzuna.parse_item(item)

    assert (posting.salary_min, posting.salary_period, posting.salary_is_predicted) == (None, "", False)


def test_adzuna_record_without_id_is_rejected():
    item = adzuna_item(1)
    del item["id"]

    with pytest.raises(KeyError):
        adzuna.parse_item(item)


def test_bundled_row_carries_its_origin_and_occupations():
    row = {
        "source": "nyc_open_data_jobs",
        "external_id": "386933",
        "title": "Senior Network Architect",
        "employer": "City of New York - Dept Of Info Tech & Telecomm",
        "location": "2 Metro Tech, New York, NY",
        "remote": "",
        "salary_min": "96020",
        "salary_max": "144929",
        "salary_period": "year",
        "posted_on": "2019-03-14",
        "url": "",
        "description": "",
        "occupation_hint": "CERTIFIED IT ADMINISTRATOR (LA [Technology, Data & Innovation]",
    }

    posting = bundled.parse_row(row)

    assert (posting.external_id, posting.origin) == ("nyc_open_data_jobs-386933", "nyc_open_data_jobs")
    assert {"15-1241", "15-1244"} <= set(posting.occupation_codes)


@pytest.mark.django_db
def test_bundled_sample_serves_only_postings_that_share_an_occupation(settings):
    from badges.tests.factories import CertificationFactory

    from .factories import OccupationFactory

    result = bundled.BundledProvider().fetch(CertificationFactory(), [OccupationFactory(soc_code="15-2051")])

    assert result.postings and not result.errors
    assert all("15-2051" in p.occupation_codes for p in result.postings)
    assert any(p.title == "DATA SCIENTIST" for p in result.postings)


def test_titles_map_to_occupations():
    assert "15-1212" in occupation_codes_for("IT Security Specialist")
    assert "15-1242" in occupation_codes_for("Database Administrator")
    assert occupation_codes_for("Gardener") == []


@pytest.mark.parametrize(
    ("locations", "region"),
    [
        ("2 Metro Tech, New York, NY", "New York"),
        ("Gunter AFB, Alabama, Alabama; Maxwell AFB, Alabama (+45 more)", "Alabama"),
        ("Austin, Travis County", "Travis County"),
        ("", ""),
    ],
)
def test_region_is_the_state_of_the_first_location(locations, region):
    assert region_of(locations) == region


def test_search_keyword_drops_program_boilerplate():
    class Named:
        name = "Microsoft Certified: Azure Administrator Associate"

    assert search_keyword(Named) == "Azure Administrator"
