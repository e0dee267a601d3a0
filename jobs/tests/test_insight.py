import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.tests.factories import BadgeTemplateFactory, CertificationFactory, ExamFactory
from jobs.insight import market_insight, market_insight_compute
from jobs.models import JobPosting, JobSource, MarketInsight, PostingStatus
from jobs.providers.base import PostingData, ProviderResult
from jobs.search import postings_for_certifications
from jobs.services import jobs_refresh, market_insight_recompute

from .factories import JobPostingFactory
from .helpers import accepted_award, award_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    return accepted_award()


def _posting(award, **fields):
    return JobPostingFactory(certifications=[award.template.certification], **fields)


def _insight(award):
    """What the tab shows once the refresh has stored the figures."""
    market_insight_recompute(certification=award.template.certification)
    return market_insight(MarketInsight.objects.get(certification=award.template.certification))


def test_a_long_span_is_counted_a_year_a_bar_with_empty_years_shown(award):
    _posting(award, posted_on=date(2016, 3, 1))
    _posting(award, posted_on=date(2016, 9, 1))
    _posting(award, posted_on=date(2019, 1, 5))

    insight = _insight(award)

    assert insight["grain"] == "year"
    assert [(label, count) for label, _day, count in insight["periods"]] == [
        ("2016", 2),
        ("2017", 0),
        ("2018", 0),
        ("2019", 1),
    ]
    assert insight["total"] == 3
    assert (insight["first_month"], insight["last_month"]) == (date(2016, 3, 1), date(2019, 1, 1))


def test_a_short_span_is_counted_a_month_a_bar(award):
    _posting(award, posted_on=date(2025, 11, 20))
    _posting(award, posted_on=date(2026, 2, 3))
    _posting(award, posted_on=date(2026, 2, 28))

    insight = _insight(award)

    assert insight["grain"] == "month"
    assert [(label, count) for label, _day, count in insight["periods"]] == [
        ("Nov 2025", 1),
        ("Dec 2025", 0),
        ("Jan 2026", 0),
        ("Feb 2026", 2),
    ]


def test_only_open_postings_that_fit_count_and_undated_ones_are_counted_apart(award):
    _posting(award, posted_on=date(2026, 1, 2))
    _posting(award, posted_on=None)
    _posting(award, status=PostingStatus.CLOSED, closed_at=timezone.now())
    JobPostingFactory(certifications=[CertificationFactory()])

    insight = _insight(award)

    assert insight["total"] == 2
    assert insight["undated"] == 1
    assert [count for _label, _day, count in insight["periods"]] == [1]


def test_top_employers_and_locations_most_postings_first(award):
    for employer, region, count in [
        ("Fabrikam", "Texas", 3),
        ("Contoso", "Washington", 3),
        ("Northwind", "New York", 5),
        ("Tailspin", "Ohio", 1),
        ("Litware", "Utah", 2),
        ("Woodgrove", "Iowa", 2),
    ]:
        for _ in range(count):
            _posting(award, employer=employer, region=region)
    _posting(award, employer="", region="")

    insight = _insight(award)

    assert insight["employers"] == [
        {"name": "Northwind", "count": 5},
        {"name": "Contoso", "count": 3},
        {"name": "Fabrikam", "count": 3},
        {"name": "Litware", "count": 2},
        {"name": "Woodgrove", "count": 2},
    ]
    assert [row["name"] for row in insight["regions"]] == ["New York", "Texas", "Washington", "Iowa", "Utah"]


def test_the_data_says_where_it_comes_from_and_when(award):
    _posting(award, source="bundled", origin="nyc_open_data_jobs", fetched_at=datetime(2026, 5, 1, tzinfo=timezone.UTC))
    _posting(award, source="bundled", origin="nyc_open_data_jobs", fetched_at=datetime(2026, 5, 1, tzinfo=timezone.UTC))
    _posting(award, source="usajobs", fetched_at=datetime(2026, 6, 2, tzinfo=timezone.UTC))
    _posting(award, source="adzuna", remote=True, fetched_at=datetime(2026, 4, 1, tzinfo=timezone.UTC))

    insight = _insight(award)

    assert insight["sources"] == [["City of New York, NYC Open Data - NYC Jobs", 2], ["Adzuna", 1], ["USAJOBS", 1]]
    assert insight["fetched"] == datetime(2026, 6, 2, tzinfo=timezone.UTC)
    assert insight["remote"] == 1


def test_an_exam_badge_counts_the_postings_of_its_certifications_once(client):
    exam = ExamFactory()
    first, second = CertificationFactory(), CertificationFactory()
    exam.certifications.add(first, second)
    award = accepted_award(template=BadgeTemplateFactory(certification=None, exam=exam, name="CX-1", slug="cx-1"))
    JobPostingFactory(certifications=[first, second])
    JobPostingFactory(certifications=[second])
    for certification in (first, second):
        market_insight_recompute(certification=certification)
    client.force_login(award.earner)

    response = client.get(reverse("award_jobs", args=[award.public_id]))

    # Kept per certification, as the market salaries are: an exam badge shows its first certification's.
    assert response.context["insight"]["total"] == 1


def test_computing_the_insight_takes_three_queries_however_many_postings(award, django_assert_num_queries):
    _posting(award)
    postings = postings_for_certifications([award.template.certification_id])
    with django_assert_num_queries(3):  # per month and source, top employers, top locations
        market_insight_compute(postings)
    for number in range(40):
        _posting(award, employer=f"Employer {number % 7}", posted_on=date(2020 + number % 6, 1 + number % 12, 1))

    with django_assert_num_queries(3):
        data = market_insight_compute(postings)

    assert data["total"] == 41


def test_a_refresh_stores_the_insight(award):
    class OnePosting:
        def fetch(self, certification, occupations):
            return ProviderResult(
                postings=[
                    PostingData(
                        external_id="a-1", title="Cloud Engineer", employer="Contoso", posted_on=date(2026, 1, 5)
                    )
                ],
                errors=[],
            )

    jobs_refresh(
        certification=award.template.certification,
        source=JobSource.objects.get(name=JobSource.Name.ADZUNA),
        provider=OnePosting(),
    )

    stored = MarketInsight.objects.get(certification=award.template.certification)
    assert stored.data["total"] == 1 and stored.data["employers"] == [["Contoso", 1]]
    assert stored.data["months"] == [["2026-01", 1]]


def test_the_jobs_tab_draws_the_chart_with_its_table_and_names_the_source(client, award):
    _posting(award, posted_on=date(2016, 5, 1), employer="City of New York - DoITT", region="New York")
    _posting(award, posted_on=date(2019, 5, 1), employer="City of New York - DoITT", region="New York")
    _posting(award, posted_on=date(2019, 6, 1), employer="Contoso", region="Washington", source="adzuna")
    market_insight_recompute(certification=award.template.certification)
    client.force_login(award.earner)

    page = client.get(reverse("award_jobs", args=[award.public_id])).text

    insight = page[page.index('id="insight"') :]
    assert "The market for this badge" in insight
    assert len(re.findall(r"<rect ", insight)) == 2  # 2016 and 2019; 2017 and 2018 have none
    assert '<th scope="row">2016</th><td>1</td>' in insight and '<th scope="row">2017</th><td>0</td>' in insight
    assert '<th scope="row">2019</th><td>2</td>' in insight
    assert "published between May 2016 and June 2019" in insight
    assert "data fetched up to" in insight and '<a href="https://www.adzuna.com/">Adzuna</a> (1)' in insight
    assert "City of New York - DoITT" in insight and "Washington" in insight
    assert 'href="#insight"' in page


def test_the_jobs_tab_says_when_no_posting_fits(client, award):
    market_insight_recompute(certification=award.template.certification)
    client.force_login(award.earner)

    page = client.get(reverse("award_jobs", args=[award.public_id])).text

    assert "No posting we hold fits this badge yet" in page


def test_the_jobs_tab_says_when_the_figures_are_not_worked_out_yet(client, award):
    _posting(award)
    client.force_login(award.earner)

    page = client.get(reverse("award_jobs", args=[award.public_id])).text

    assert "worked out when this badge's postings are next refreshed" in page


def test_the_insight_is_the_earners_alone(client, award):
    _posting(award, employer="Secret Employer")
    market_insight_recompute(certification=award.template.certification)
    client.force_login(accepted_award().earner)

    response = client.get(reverse("award_jobs", args=[award.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("state", ["pending", "declined", "revoked"])
def test_a_badge_not_held_shows_no_insight(client, state):
    award = award_in_state(state)
    JobPostingFactory(certifications=[award.template.certification], employer="Secret Employer")
    market_insight_recompute(certification=award.template.certification)
    client.force_login(award.earner)

    response = client.get(reverse("award_jobs", args=[award.public_id]))

    assert "Secret Employer" not in response.text
    assert "The market for this badge" not in response.text
    assert JobPosting.objects.count() == 1
