"""Journeys 6 and 8 in a real browser: browse and filter the catalog, see retired ones, ask for help."""

import pytest
from playwright.sync_api import expect

from badges.catalog.images import badge_images_generate
from badges.models import Status
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, CertificationFactory, ExamFactory
from support.models import SupportRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog():
    azure = CertificationFactory(name="Azure Administrator Associate", product="Azure", level="Associate")
    az104 = ExamFactory(code="AZ-104", title="Azure Administrator")
    azure.exams.add(az104)
    BadgeTemplateFactory(certification=None, exam=az104, name="AZ-104: Azure Administrator", slug="az-104")
    template = BadgeTemplateFactory(certification=azure, name=azure.name, skills=["Microsoft PowerShell"])
    AcceptedAwardFactory(template=template, recipient_name="Ada Public")
    retired = CertificationFactory(
        name="MCSA: Web Applications", level="", status=Status.RETIRED, retired_on="2021-01-31", product="Developer"
    )
    BadgeTemplateFactory(certification=retired, name=retired.name)
    badge_images_generate()
    return template


def test_browse_filter_and_open_a_badge_then_the_retired_list(browser_page, assert_accessible, catalog):
    page = browser_page

    page.goto("/")
    page.get_by_role("link", name="Badges", exact=True).click()
    expect(page.get_by_role("heading", name="Badges you can earn")).to_be_visible()
    expect(page.get_by_role("link", name="Azure Administrator Associate").locator("img")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("searchbox").fill("az104")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 badges match “az104”")).to_be_visible()
    expect(page.get_by_role("link", name="AZ-104: Azure Administrator")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Show every badge").first.click()
    page.get_by_role("link", name="Browse and filter all badges").click()
    page.get_by_role("searchbox").fill("powershell")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Show badges").click()
    expect(page.get_by_role("heading", name="1 badge", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Azure Administrator Associate").click()
    expect(page.get_by_role("heading", name="Azure Administrator Associate")).to_be_visible()
    expect(page.get_by_role("link", name="Ada Public")).to_be_visible()
    assert page.locator("img.badge-image").evaluate("img => img.naturalWidth") == 600
    assert_accessible(page)

    page.get_by_role("link", name="Retired", exact=True).click()
    expect(page.get_by_role("cell", name="January 31, 2021").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="MCSA: Web Applications").click()
    expect(page.get_by_text("Retired on January 31, 2021")).to_be_visible()


def test_find_help_and_send_a_question(browser_page, assert_accessible):
    page = browser_page

    page.goto("/")
    page.get_by_role("link", name="Help", exact=True).click()
    expect(page.get_by_role("heading", name="I declined a badge by mistake")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Something else").click()
    page.get_by_role("link", name="Contact support").click()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Lin Park")
    page.get_by_label("Your email address").fill("lin@example.com")
    page.get_by_label("Badge or exam concerned").fill("AZ-104")
    page.get_by_label("How can we help?").fill("My link expired.")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="Thank you, your message is on its way")).to_be_visible()
    assert SupportRequest.objects.get().concerning == "AZ-104"
