"""Journey 7 in a real browser: accept a badge, browse its jobs, save one, read the salary chart."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from badges.tests.factories import AwardFactory, BadgeTemplateFactory, CertificationFactory
from jobs.models import JobSource

from .factories import (
    CertificationOccupationFactory,
    JobPostingFactory,
    OccupationFactory,
    OccupationProjectionFactory,
    OccupationWageFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))


def test_accept_then_find_and_save_a_job_and_read_the_salary_chart(browser_page, assert_accessible):
    for name in JobSource.Name.values:
        JobSource.objects.get_or_create(name=name)
    certification = CertificationFactory(name="Contoso Certified: Security Engineer")
    occupation = OccupationFactory(soc_code="11-1011", title="Chief Executives")
    CertificationOccupationFactory(certification=certification, occupation=occupation, rationale="runs the show")
    OccupationWageFactory(occupation=occupation, pct75=None, pct90=None, markers="a_pct75=#;a_pct90=#")
    OccupationProjectionFactory(occupation=occupation)
    # An Adzuna posting: accepting refreshes the bundled sample, which would close a "bundled" one.
    JobPostingFactory(title="Sentinel Engineer", source="adzuna", certifications=[certification])
    JobPostingFactory(title="Old Analyst", source="adzuna", posted_on=date(2018, 5, 1), certifications=[certification])
    user = UserFactory()
    award = AwardFactory(
        template=BadgeTemplateFactory(certification=certification), earner=user, recipient_email=user.email
    )
    page = browser_page
    _sign_in(page, user)

    page.goto(award.get_absolute_url())
    page.get_by_role("button", name="Accept badge").click()
    page.get_by_role("link", name="Jobs", exact=True).click()

    expect(page.get_by_text("Only you can see this page.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Keywords").fill("sentinel")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Sentinel Engineer")).to_be_visible()
    expect(page.get_by_text("Jobs by Adzuna").first).to_be_visible()
    page.get_by_role("button", name="Save Sentinel Engineer").click()
    expect(page.get_by_role("button", name="Unsave Sentinel Engineer")).to_be_visible()
    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="see them as a dated sample").click()
    expect(page.get_by_role("heading", name="1 older posting, a dated sample")).to_be_visible()
    apply = page.get_by_role("link", name="Apply for Old Analyst (opens in a new tab)")
    assert (apply.get_attribute("target"), apply.get_attribute("rel")) == ("_blank", "noopener noreferrer")
    assert_accessible(page)

    page.get_by_role("link", name="Saved jobs").click()
    expect(page.get_by_role("heading", name="Sentinel Engineer")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("award_salary", args=[award.public_id]))
    chart = page.get_by_role("img", name="Annual wages for Chief Executives, 2023")
    expect(chart).to_be_visible()
    assert page.get_by_role("cell", name=">= $239,200").count() == 2
    assert_accessible(page)
