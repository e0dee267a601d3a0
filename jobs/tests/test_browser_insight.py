"""The market insight on the Jobs tab in a real browser at 1280 and 390 px: the chart sits beside its table on a
laptop and above it on a phone, its text stays readable, nothing scrolls sideways and axe finds nothing."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from badges.tests.factories import AcceptedAwardFactory
from jobs.services import market_insight_recompute

from .factories import JobPostingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


@pytest.fixture
def award():
    award = AcceptedAwardFactory()
    certification = award.template.certification
    employers = ["City of New York - Dept Of Info Tech & Telecomm", "Contoso", "Fabrikam", "Northwind Traders"]
    for number in range(24):
        JobPostingFactory(
            certifications=[certification],
            source="adzuna",
            employer=employers[number % 4],
            region=["New York", "District of Columbia", "Washington"][number % 3],
            posted_on=date(2014 + number % 12, 1 + number % 12, 1),
        )
    market_insight_recompute(certification=certification)
    return award


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
def test_the_jobs_tab_shows_the_market_readably(browser_page, assert_accessible, award, viewport):
    page = browser_page
    page.set_viewport_size(viewport)
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(award.earner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))

    page.goto(reverse("award_jobs", args=[award.public_id]))
    page.get_by_role("link", name="The market for this badge").click()

    insight = page.locator("#insight")
    chart = insight.get_by_role("img", name="Fitting postings published per year")
    table = insight.get_by_role("region", name="Postings published per year: table")
    expect(chart).to_be_visible()
    expect(table).to_be_visible()
    assert table.get_by_role("row").count() == 1 + 12  # 2014 to 2025
    assert insight.get_by_role("list", name="Top employers").get_by_role("listitem").count() == 4
    expect(insight.get_by_text("data fetched up to")).to_be_visible()
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.postings-chart text')].map(
            text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""
    )
    assert len(sizes) == 24 and min(sizes) >= 12, sizes
    chart_box, table_box = chart.bounding_box(), table.bounding_box()
    if viewport is LAPTOP:
        assert table_box["x"] > chart_box["x"] + chart_box["width"] - 1  # beside it
    else:
        assert table_box["y"] >= chart_box["y"] + chart_box["height"] - 1  # below it
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert_accessible(page)
