"""An earner gives their public profile a handle, a headline and a photo, in a real browser checked by axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from badges.tests.factories import AcceptedAwardFactory
from badges.tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choose_a_handle_headline_and_photo_then_see_the_public_profile(browser_page, assert_accessible, tmp_path):
    user = UserFactory(full_name="Ada Lovelace")
    AcceptedAwardFactory(earner=user)
    photo = tmp_path / "ada.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(640, 480)))
    page = browser_page
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_label("Profile address").fill("admin")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“admin” is reserved")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Profile address").fill("ada-lovelace")
    page.get_by_label("Headline").fill("Analyst of engines")
    page.get_by_label("Photo").set_input_files(photo)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Your photo")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="See your public profile").click()
    page.wait_for_url("**/u/ada-lovelace/")
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Analyst of engines")).to_be_visible()
    assert page.get_by_role("img", name="Photo of Ada Lovelace").evaluate("img => img.naturalWidth") == 400
    assert_accessible(page)
