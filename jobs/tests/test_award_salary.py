import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.charts import wage_chart
from jobs.models import MarketSalary

from .factories import (
    CertificationOccupationFactory,
    JobPostingFactory,
    OccupationFactory,
    OccupationProjectionFactory,
    OccupationWageFactory,
)
from .helpers import accepted_award

pytestmark = pytest.mark.django_db

BLS_LINE = (
    "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics (May 2023) "
    "and Employment Projections (2024-34)."
)


@pytest.fixture
def award():
    return accepted_award()


def _link(award, soc_code, rank=1):
    occupation = OccupationFactory(soc_code=soc_code, title=f"Occupation {soc_code}")
    CertificationOccupationFactory(certification=award.template.certification, occupation=occupation, rank=rank)
    return occupation


def _get(client, award):
    client.force_login(award.earner)
    return client.get(reverse("award_salary", args=[award.public_id]))


def test_it_charts_wages_and_shows_the_outlook(client, award):
    occupation = _link(award, "15-1244")
    OccupationWageFactory(occupation=occupation, median=95360)
    OccupationProjectionFactory(occupation=occupation, change_pct="-2.5", annual_openings="21.4")

    page = _get(client, award).content.decode()

    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert '<th scope="row">Median</th><td>$95,360</td>' in page
    assert "-2.5%" in page and "21.4 thousand" in page
    assert "Data year 2023" in page
    assert BLS_LINE in page


def test_the_chart_marks_top_coded_percentiles(client, award):
    occupation = _link(award, "11-1011")
    OccupationWageFactory(occupation=occupation, median=206680, pct75=None, pct90=None, markers="a_pct75=#;a_pct90=#")

    page = _get(client, award).content.decode()

    assert page.count("&gt;= $239,200") >= 4  # two bars and two table cells
    assert "url(#topcoded-11-1011)" in page


def test_wage_chart_scales_top_coded_bars_to_the_cap():
    chart = wage_chart(OccupationWageFactory.build(pct75=None, pct90=None, markers="a_pct75=#;a_pct90=#"))

    rows = {row["label"]: row for row in chart["rows"]}
    assert rows["90th percentile"]["top_coded"] and rows["90th percentile"]["text"] == ">= $239,200"
    assert rows["90th percentile"]["width"] > rows["Median"]["width"] > 0


def test_wage_chart_says_when_a_figure_is_simply_missing():
    chart = wage_chart(OccupationWageFactory.build(pct10=None, markers=""))

    assert chart["rows"][0]["text"] == "not published" and chart["rows"][0]["width"] == 0


def test_occupations_are_listed_by_rank(client, award):
    _link(award, "15-1299", rank=2)
    _link(award, "15-1212", rank=1)

    occupations = _get(client, award).context["occupations"]

    assert [item["link"].occupation.soc_code for item in occupations] == ["15-1212", "15-1299"]


def test_market_figures_from_postings_are_shown_beside_bls(client, award):
    now = timezone.now()
    certification = award.template.certification
    MarketSalary.objects.create(
        certification=certification, region="", postings=3, median=101000, low=80000, high=130000, computed_at=now
    )
    MarketSalary.objects.create(
        certification=certification,
        region="New York",
        postings=2,
        median=99000,
        low=80000,
        high=120000,
        computed_at=now,
    )
    JobPostingFactory(certifications=[certification], origin="nyc_open_data_jobs")

    page = _get(client, award).content.decode()

    assert "median of <strong>$101,000</strong>" in page
    assert '<th scope="row">New York</th>' in page
    assert "City of New York, NYC Open Data - NYC Jobs." in page


def test_query_count_does_not_grow_with_the_occupations(client, award, django_assert_num_queries):
    client.force_login(award.earner)
    url = reverse("award_salary", args=[award.public_id])
    OccupationWageFactory(occupation=_link(award, "15-0001"))
    # session, user, award, links, wages, projections, market
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(2, 6):
        occupation = _link(award, f"15-000{n}", rank=n)
        OccupationWageFactory(occupation=occupation)
        OccupationProjectionFactory(occupation=occupation)

    with django_assert_num_queries(7):
        response = client.get(url)

    assert len(response.context["occupations"]) == 5
