"""The admin pages this program work customises, in Chromium, checked with axe: the dashboard, an award's
page and its Renew form, and the outbox."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from badges.awards.services import award_issue
from badges.models import AwardState
from badges.tests.factories import BadgeTemplateFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_staff(browser_page, settings):
    # Two-factor sign-in has its own browser test (accounts); here the pages after it are checked.
    settings.STAFF_MFA_REQUIRED = False
    staff = UserFactory(is_staff=True, is_superuser=True, mfa=False)
    page = browser_page
    page.goto(reverse("admin:index"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**/admin/")
    return page


def test_the_customised_admin_pages_pass_axe(signed_in_staff, assert_accessible):
    page = signed_in_staff
    template = BadgeTemplateFactory(name="Cloud Engineer")
    award = award_issue(template=template, email="noor@example.com", name="Noor Ali")
    outbox_deliver(row=OutboxEmail.objects.get())
    accepted = award_issue(template=template, email="ada@example.com", name="Ada Lovelace", send_email=False)
    accepted.state, accepted.accepted_at = AwardState.ACCEPTED, timezone.now() + timedelta(days=2)
    accepted.save()

    page.goto(reverse("admin:index"))
    expect(page.get_by_role("link", name="Program dashboard")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Program dashboard").click()
    expect(page.get_by_role("heading", name="Per badge")).to_be_visible()
    expect(page.get_by_role("img", name="Badges issued and accepted per week")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(reverse("admin:badges_award_change", args=[award.pk]))
    expect(page.get_by_role("heading", name="This badge's history")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Renew").click()
    page.get_by_role("button", name="Renew").click()
    expect(page.get_by_text("This field is required")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("admin:outbox_outboxemail_changelist"))
    assert_accessible(page)
    page.goto(reverse("admin:outbox_outboxemail_change", args=[OutboxEmail.objects.get().pk]))
    expect(page.get_by_text("Hello Noor Ali")).to_be_visible()
    assert_accessible(page)
