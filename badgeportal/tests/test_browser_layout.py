"""Every page an earner or a viewer reaches, in a real browser on a laptop (1280 px) and a phone (390 px):
nothing scrolls sideways and axe finds nothing; the phone gets a folded menu, readable charts, folded filters
and verify results first."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from badges.models import Status
from badges.tests.factories import (
    AcceptedAwardFactory,
    AwardFactory,
    BadgeTemplateFactory,
    CertificationFactory,
    ExamFactory,
)
from jobs.tests.factories import (
    CertificationOccupationFactory,
    JobPostingFactory,
    OccupationFactory,
    OccupationProjectionFactory,
    OccupationWageFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
LONG_NAME = "Contoso Certified: Hybrid Multicloud Infrastructure and Identity Solutions Architect Expert"


@pytest.fixture
def world():
    """An earner with an accepted badge that has jobs and salary data, one waiting and one revoked; a catalog
    with a retired certification; every badge image drawn and sized."""
    earner = UserFactory(full_name="Maria Goeppert-Mayer")
    certification = CertificationFactory(name=LONG_NAME, product="Azure", level="Expert")
    certification.exams.add(ExamFactory(code="AZ-305", title="Designing Microsoft Azure Infrastructure Solutions"))
    award = AcceptedAwardFactory(earner=earner, template=BadgeTemplateFactory(certification=certification))
    AwardFactory(earner=earner, recipient_email=earner.email)
    AcceptedAwardFactory(earner=earner, revoked_at=timezone.now(), revocation_reason="Exam result withdrawn")
    retired = CertificationFactory(name="MCSA: Web Applications", status=Status.RETIRED, retired_on="2021-01-31")
    retired.exams.add(ExamFactory(code="70-480", title="Programming in HTML5 with JavaScript and CSS3"))
    BadgeTemplateFactory(certification=retired)
    occupation = OccupationFactory(title="Computer Network Architects")
    CertificationOccupationFactory(certification=certification, occupation=occupation, rationale="designs networks")
    OccupationWageFactory(occupation=occupation, pct90=None, markers="a_pct90=#")
    OccupationProjectionFactory(occupation=occupation)
    JobPostingFactory(title="Cloud Architect", source="adzuna", certifications=[certification])
    call_command("generate_badge_images", verbosity=0)
    return {"earner": earner, "award": award}


def _sign_in(page, user):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))


def _pages(world):
    award, earner = world["award"], world["earner"]
    template = award.template
    return [
        reverse("wallet"),
        award.get_absolute_url(),
        reverse("award_public", args=[award.public_id]),
        reverse("award_verify", args=[award.public_id]),
        reverse("profile_public", args=[earner.public_id]),
        reverse("transcript", args=[earner.public_id]),
        reverse("profile_settings"),
        reverse("catalog_eligible"),
        reverse("issuer_detail", args=[template.issuer.slug]),
        reverse("badge_template_detail", args=[template.slug]),
        reverse("catalog_retired"),
        reverse("verify"),
        reverse("award_jobs", args=[award.public_id]),
        reverse("award_salary", args=[award.public_id]),
        reverse("saved_jobs"),
        reverse("help"),
    ]


def _scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
def test_no_earner_or_viewer_page_scrolls_sideways(browser_page, assert_accessible, world, viewport):
    page = browser_page
    page.set_viewport_size(viewport)
    _sign_in(page, world["earner"])

    for path in _pages(world):
        response = page.goto(path)
        assert response.status == 200, path
        assert not _scrolls_sideways(page), f"{path} scrolls sideways at {viewport['width']} px"
        assert_accessible(page)


def test_on_a_phone_the_menu_folds_and_charts_tables_filters_images_and_verify_results_fit(
    browser_page, assert_accessible, live_server, world
):
    award = world["award"]
    page = browser_page
    page.set_viewport_size(PHONE)

    # The header is one line, the brand and a Menu button that opens the links.
    page.goto(reverse("home"))
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Sign in")).to_be_hidden()
    assert page.locator(".site-header").bounding_box()["height"] < 80
    main_nav.get_by_text("Menu").click()
    main_nav.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(world["earner"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))

    # The wage chart's text stays readable: at least 12 px once the drawing is scaled to the screen.
    page.goto(reverse("award_salary", args=[award.public_id]))
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.wage-chart text')].map(
            text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""
    )
    assert len(sizes) == 10 and min(sizes) >= 12, sizes

    # The jobs filters fold away so the postings come first, and say when some are in use.
    page.goto(reverse("award_jobs", args=[award.public_id]))
    expect(page.get_by_label("Keywords")).to_be_hidden()
    expect(page.get_by_role("heading", name="Cloud Architect")).to_be_visible()
    page.get_by_text("Search and filters").click()
    page.get_by_label("Keywords").fill("architect")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Search and filters (1 in use)")).to_be_visible()
    # A wide table scrolls inside its own region, which a keyboard can reach and a screen reader names.
    page.goto(reverse("catalog_retired"))
    region = page.get_by_role("region", name="Certifications (1)")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-wrap')")

    # The badge shows at 256 px from the copy made at that size.
    page.goto(reverse("award_public", args=[award.public_id]))
    image = page.locator(".public-award img.badge-image")
    assert image.evaluate("img => img.getBoundingClientRect().width") == 256
    assert image.evaluate("img => img.currentSrc").endswith("-256.webp")

    # Verify results come first, name the badge and its earner with its image, and link its page.
    page.goto(reverse("verify"))
    page.get_by_label("Or the badge's address").fill(live_server.url + reverse("award_public", args=[award.public_id]))
    page.get_by_role("button", name="Verify").click()
    result = page.get_by_role("heading", name="Verified")
    subject = page.locator(".verify-subject")
    assert result.bounding_box()["y"] < PHONE["height"]
    expect(subject.get_by_role("link", name=LONG_NAME)).to_be_visible()
    expect(subject.get_by_text("Earned by Maria Goeppert-Mayer")).to_be_visible()
    expect(subject.get_by_role("img", name=f"{LONG_NAME} badge")).to_be_visible()
    assert not page.get_by_label("Or the badge's address").is_visible()  # folded below the answer
    assert not _scrolls_sideways(page)
    assert_accessible(page)
    subject.get_by_role("link", name="Open the badge's page").click()
    page.wait_for_url("**" + reverse("award_public", args=[award.public_id]))

    # Back on a laptop, the menu and the filters are open without a click.
    page.set_viewport_size(LAPTOP)
    expect(main_nav.get_by_text("Menu")).to_be_hidden()
    expect(main_nav.get_by_role("link", name="Verify a badge")).to_be_visible()
    page.goto(reverse("award_jobs", args=[award.public_id]))
    expect(page.get_by_label("Keywords")).to_be_visible()
