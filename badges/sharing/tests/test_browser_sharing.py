"""Sharing and privacy in a real browser: what a revoked badge no longer offers, and the warnings shown before
a switch makes shared links answer "not found"."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from badges.models import ShareChannel, ShareCount
from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))


def test_a_revoked_badge_offers_no_share_action_and_its_download_reads_as_a_page(browser_page, assert_accessible):
    earner = UserFactory()
    award = AcceptedAwardFactory(
        earner=earner, revoked_at=timezone.now(), revocation_reason="Exam result withdrawn", template__name="Analyst"
    )
    give_image(award.template)
    page = browser_page
    _sign_in(page, earner)

    page.goto(award.get_absolute_url())

    expect(page.get_by_text("A revoked badge can no longer be shared")).to_be_visible()
    expect(page.get_by_role("heading", name="Share")).to_be_hidden()
    for name in ["Add to LinkedIn profile", "Post on LinkedIn", "Post on X", "Share on Facebook", "Send by email"]:
        assert page.get_by_role("link", name=name).count() == 0
    assert page.get_by_role("img", name="QR code").count() == 0
    assert_accessible(page)

    # A download link kept from before the revocation opens a page a person can read.
    page.goto(reverse("award_baked_png", args=[award.public_id]))
    expect(page.get_by_role("heading", name="This badge was revoked")).to_be_visible()
    expect(page.get_by_text("Reason: Exam result withdrawn")).to_be_visible()
    assert_accessible(page)

    # So does a share link kept from before.
    page.goto(reverse("share_redirect", args=[award.public_id, "linkedin-profile"]))
    expect(page.get_by_role("heading", name="This badge cannot be shared")).to_be_visible()
    assert not ShareCount.objects.exists()


def test_the_privacy_switches_say_what_they_break_before_they_are_used(browser_page, assert_accessible):
    earner = UserFactory()
    award = AcceptedAwardFactory(earner=earner, template__name="Analyst")
    ShareCount.objects.create(award=award, channel=ShareChannel.LINKEDIN_PROFILE, clicks=1)
    AcceptedAwardFactory(earner=earner)
    page = browser_page
    _sign_in(page, earner)

    # The badge's own switch.
    page.goto(award.get_absolute_url())
    make_private = page.get_by_role("button", name="Make this badge private")
    assert make_private.get_attribute("aria-describedby") == "going-private-warning"
    expect(
        page.get_by_text("Making it private: the link you shared, including on LinkedIn, will answer")
    ).to_be_visible()
    # The profile's switch, in the account settings, said before it is unticked.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    switch = page.get_by_label("Public profile")
    warning = "Making your profile private hides your 2 public badges. 1 badge link you shared, including on LinkedIn"
    expect(page.get_by_text(warning)).to_be_visible()
    assert warning in page.evaluate(
        "id => document.getElementById(document.getElementById(id).getAttribute('aria-describedby')).textContent",
        switch.get_attribute("id"),
    )
    assert_accessible(page)
    switch.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile is private: it and your badge links answer “not found”.")).to_be_visible()
    # The profile now counts what the public sees: nothing.
    page.goto(reverse("profile_public", args=[earner.public_id]))
    expect(page.get_by_text("No public badges while your profile is private.")).to_be_visible()
    assert_accessible(page)
