"""The verify journey in a real browser: upload a baked badge, read the checks."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_baked_badge_and_see_it_verified(browser_page, assert_accessible, client, tmp_path):
    award = AcceptedAwardFactory(template__name="Data Analyst")
    give_image(award.template)
    baked = tmp_path / "data-analyst.png"
    baked.write_bytes(client.get(reverse("award_baked_png", args=[award.public_id])).content)
    page = browser_page

    page.goto(reverse("home"))
    page.get_by_role("link", name="Verify a badge").click()
    assert_accessible(page)
    page.get_by_label("Baked badge image (PNG)").set_input_files(str(baked))
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_role("heading", name="Verified")).to_be_visible()
    expect(page.get_by_text("It is the badge “Data Analyst”.")).to_be_visible()
    assert_accessible(page)


def test_award_verify_page_reports_a_wrong_email(browser_page, assert_accessible):
    award = AcceptedAwardFactory()
    page = browser_page

    page.goto(reverse("award_verify", args=[award.public_id]))
    expect(page.get_by_role("heading", name="Verified")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Earner's email address (optional)").fill("someone.else@example.com")
    page.get_by_role("button", name="Check again").click()

    expect(page.get_by_role("heading", name="Not verified")).to_be_visible()
    expect(page.get_by_text("The badge was not issued to the email address you entered.")).to_be_visible()
    assert_accessible(page)
