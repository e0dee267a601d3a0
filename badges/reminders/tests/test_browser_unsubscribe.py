"""The unsubscribe page an earner reaches from a reminder, in Chromium, checked with axe at two widths."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from badges.models import ReminderOptOut
from badges.reminders.services import unsubscribe_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_unsubscribe_asks_then_confirms(browser_page, assert_accessible, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})

    page.goto(reverse("reminders_unsubscribe", args=[unsubscribe_token("kim@example.com")]))
    expect(page.get_by_role("heading", name="Stop reminder emails?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe from reminders").click()

    expect(page.get_by_role("heading", name="No more reminders")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    assert ReminderOptOut.objects.filter(email="kim@example.com").exists()
