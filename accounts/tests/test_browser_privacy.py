"""An earner downloads their data and then deletes their account, in a real browser, every page checked by axe."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import DataExport, DataExportStatus, User
from accounts.tests.factories import PASSWORD, UserFactory
from badges.models import Award
from badges.tests.factories import AcceptedAwardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user):
    page.goto(reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**" + reverse("wallet"))


def test_download_the_data_then_delete_the_account(browser_page, assert_accessible):
    user = UserFactory(full_name="Ada Lovelace")
    award = AcceptedAwardFactory(earner=user)
    page = browser_page
    _sign_in(page, user)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Download your data").click()
    assert_accessible(page)
    page.get_by_role("button", name="Prepare my download").click()
    expect(page.get_by_text("Your download is ready")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the zip file").click()
    assert download.value.suggested_filename.endswith(".zip")

    page.get_by_role("link", name="Your data").click()
    page.get_by_role("link", name="Delete my account…").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="What the issuers keep")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(pk=user.pk).exists()
    assert Award.objects.get(pk=award.pk).anonymised_at is not None


def test_the_progress_and_expired_pages(browser_page, assert_accessible):
    user = UserFactory()
    running = DataExport.objects.create(user=user, status=DataExportStatus.RUNNING, sections_total=4, sections_done=2)
    expired = DataExport.objects.create(
        user=UserFactory(), status=DataExportStatus.EXPIRED, finished_at=timezone.now() - timedelta(days=8)
    )
    DataExport.objects.filter(pk=expired.pk).update(user=user)
    page = browser_page
    _sign_in(page, user)

    page.goto(reverse("data_export_status", args=[running.public_id]))
    progress = page.get_by_role("progressbar", name="Preparing your data: 2 of 4 parts done")
    assert progress.get_attribute("value") == "2"
    assert_accessible(page)
    # Asked to, the page reloads itself. axe flags any timed reload (WCAG 2.2.1) and cannot tell that this one
    # was asked for and can be stopped, so this state is not run through it.
    page.get_by_role("link", name="Check every 3 seconds").click()
    DataExport.objects.filter(pk=running.pk).update(sections_done=3)
    page.get_by_role("progressbar", name="Preparing your data: 3 of 4 parts done").wait_for(timeout=10_000)

    response = page.goto(reverse("data_export_download", args=[expired.public_id]))
    assert response.status == 410
    expect(page.get_by_role("heading", name="This download link has expired")).to_be_visible()
    assert_accessible(page)
