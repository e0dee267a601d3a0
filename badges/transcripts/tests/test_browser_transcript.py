"""The transcript and the PDFs in a real browser at 1280 and 390 px: the page fits and passes axe, its PDF and a
certificate download, parse and render, and their QR codes, decoded from the rendered page, open the transcript
and the badge's verify page, which says the badge checks out."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, CertificationFactory

from .pdf_reading import pdf_reader, pdf_text, qr_codes_on_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
LONG_NAME = "Contoso Certified: Hybrid Multicloud Infrastructure and Identity Solutions Architect Expert"


@pytest.fixture
def world():
    """An earner with a handle, a valid badge with a long name, an expired one and a revoked one; images drawn."""
    earner = UserFactory(full_name="Maria Goeppert-Mayer", handle="maria", headline="Physicist and cloud architect")
    valid = AcceptedAwardFactory(
        earner=earner, template=BadgeTemplateFactory(certification=CertificationFactory(name=LONG_NAME))
    )
    expired = AcceptedAwardFactory(earner=earner, issued_on="2020-01-01", expires_on="2021-01-01")
    revoked = AcceptedAwardFactory(earner=earner, revoked_at=timezone.now(), revocation_reason="Exam withdrawn")
    call_command("generate_badge_images", verbosity=0)
    return {"earner": earner, "valid": valid, "expired": expired, "revoked": revoked}


def _scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def _download(page, link):
    """What the browser gets from a link, fetched with its cookies."""
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200, response.url
    assert response.headers["content-type"] == "application/pdf"
    return response.body()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
def test_a_viewer_reads_the_transcript_downloads_its_pdfs_and_scans_them(
    browser_page, assert_accessible, live_server, world, viewport
):
    valid, expired, revoked = world["valid"], world["expired"], world["revoked"]
    page = browser_page
    page.set_viewport_size(viewport)

    # From the public profile to the transcript.
    page.goto(reverse("profile_public", args=["maria"]))
    page.get_by_role("link", name="Transcript").click()
    page.wait_for_url("**" + reverse("transcript", args=["maria"]))
    expect(page.get_by_role("heading", name="Maria Goeppert-Mayer", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=LONG_NAME)).to_be_visible()
    expect(page.get_by_role("heading", name=expired.template.name)).to_be_visible()
    assert page.get_by_role("heading", name=revoked.template.name).count() == 0
    assert not _scrolls_sideways(page), f"the transcript scrolls sideways at {viewport['width']} px"
    assert_accessible(page)

    # The transcript's PDF: one entry a badge, its QR code opens this page.
    transcript_pdf = _download(page, page.get_by_role("link", name="Download PDF"))
    text = pdf_text(transcript_pdf)
    assert LONG_NAME in text and expired.template.name in text and revoked.template.name not in text
    transcript_url = live_server.url + reverse("transcript", args=["maria"])
    assert qr_codes_on_page(transcript_pdf) == [transcript_url]

    # A badge's certificate: its QR code opens the badge's verify page, which says it checks out.
    certificate = _download(page, page.get_by_role("link", name=f"Certificate (PDF) for {LONG_NAME}"))
    assert len(pdf_reader(certificate).pages) == 1
    assert "Maria Goeppert-Mayer" in pdf_text(certificate)
    (scanned,) = qr_codes_on_page(certificate)
    assert scanned == live_server.url + reverse("award_verify", args=[valid.public_id])
    page.goto(scanned)
    expect(page.get_by_role("heading", name="Verified")).to_be_visible()
    assert not _scrolls_sideways(page)

    # Each entry also links its verification from the page itself.
    page.goto(reverse("transcript", args=["maria"]))
    page.get_by_role("link", name=f"Verify {expired.template.name}").click()
    page.wait_for_url("**" + reverse("award_verify", args=[expired.public_id]))


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
def test_the_owner_reaches_the_transcript_and_a_certificate_from_the_wallet(
    browser_page, assert_accessible, live_server, world, viewport
):
    earner, valid, revoked = world["earner"], world["valid"], world["revoked"]
    page = browser_page
    page.set_viewport_size(viewport)
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(earner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))

    page.get_by_role("link", name="Your transcript").click()
    page.wait_for_url("**" + reverse("transcript", args=["maria"]))
    expect(page.get_by_text("This is your transcript")).to_be_visible()
    assert not _scrolls_sideways(page)
    assert_accessible(page)

    page.goto(valid.get_absolute_url())
    certificate = _download(page, page.get_by_role("link", name="Certificate with a QR code to verify it (PDF)"))
    assert qr_codes_on_page(certificate) == [live_server.url + reverse("award_verify", args=[valid.public_id])]

    # A revoked badge offers none, and its old certificate link answers a page that says why.
    page.goto(revoked.get_absolute_url())
    assert page.get_by_role("link", name="Certificate with a QR code to verify it (PDF)").count() == 0
    response = page.goto(reverse("award_certificate", args=[revoked.public_id]))
    assert response.status == 410
    expect(page.get_by_role("heading", name="This badge was revoked")).to_be_visible()
    assert not _scrolls_sideways(page)
    assert_accessible(page)
