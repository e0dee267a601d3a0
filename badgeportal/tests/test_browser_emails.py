"""The email layout in a real browser at a phone's width: nothing wider than the screen."""

import pytest

from badges.catalog.images import badge_images_generate
from badges.tests.factories import AcceptedAwardFactory
from outbox import registry
from outbox.models import OutboxEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_share_email_fits_a_390_px_phone(browser_page):
    page = browser_page
    award = AcceptedAwardFactory(recipient_name="Ada Lovelace")
    badge_images_generate()
    row = OutboxEmail(kind="share", to="friend@example.com", payload={"award_id": award.pk, "message": "x" * 300})
    [html] = [content for content, mimetype in registry.render(row).alternatives if mimetype == "text/html"]

    page.set_viewport_size({"width": 390, "height": 800})
    page.set_content(html)
    page.wait_for_load_state("load")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("img").evaluate("img => img.naturalWidth") == 600  # the badge image loaded
