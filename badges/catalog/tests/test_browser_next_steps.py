"""What to earn next on the owner's badge page in a real browser at 1280 and 390 px: readable, linked to the
catalog, nothing scrolls sideways, axe finds nothing."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from badges.models import BadgeTemplate
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, CertificationFactory, ExamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


def _certification(name, level, skills):
    certification = CertificationFactory(name=name, level=level, product="Azure")
    certification.exams.add(ExamFactory())
    BadgeTemplateFactory(certification=certification, skills=skills)
    return certification


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
def test_the_owner_sees_what_to_earn_next(browser_page, assert_accessible, viewport):
    fundamentals = _certification(
        "Microsoft Certified: Azure Fundamentals", "Fundamentals", ["Microsoft Azure software"]
    )
    _certification(
        "Microsoft Certified: Azure Administrator Associate",
        "Associate",
        ["Microsoft Azure software", "Microsoft PowerShell", "Microsoft Active Directory"],
    )
    _certification("Microsoft Certified: Azure Developer Associate", "Associate", ["C#", "TypeScript"])
    award = AcceptedAwardFactory(template=BadgeTemplate.objects.get(certification=fundamentals))
    page = browser_page
    page.set_viewport_size(viewport)
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(award.earner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))

    page.goto(award.get_absolute_url())

    section = page.get_by_role("region", name="What to earn next")
    assert section.get_by_role("heading", level=3).count() == 2
    expect(section.get_by_text("Microsoft PowerShell")).to_be_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert_accessible(page)
    section.get_by_role("link", name="Microsoft Certified: Azure Administrator Associate").click()
    expect(
        page.get_by_role("heading", name="Microsoft Certified: Azure Administrator Associate", level=1)
    ).to_be_visible()
