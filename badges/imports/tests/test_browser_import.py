"""The import pages in a real browser, checked with axe: upload, preview, confirm, result; the progress bar
follows the import by itself and moves on to the result when it ends."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory, totp_code, totp_enable
from badges.imports.services import award_import_check
from badges.models import AwardImport, ImportState

from .helpers import FILES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(browser_page, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before its 30-second step ends still works
    staff = UserFactory(is_staff=True, is_superuser=True, mfa=False)
    secret = totp_enable(staff)
    page = browser_page
    page.goto(reverse("admin:index"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.get_by_role("heading", name="Site administration").wait_for()
    return page


def test_staff_upload_preview_and_confirm_an_import(staff_page, templates, assert_accessible):
    page = staff_page
    page.get_by_role("link", name="Import awards from a CSV file").click()
    assert_accessible(page)
    page.get_by_label("CSV file").set_input_files(str(FILES / "excel_latin1_semicolon.csv"))
    page.get_by_role("button", name="Upload and preview").click()

    page.get_by_role("heading", name="Preview of excel_latin1_semicolon.csv").wait_for()
    expect(page.get_by_text("Read as Latin-1 / Windows-1252, semicolon separated.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Award 3 badges").click()

    page.get_by_role("heading", name="Import of excel_latin1_semicolon.csv").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="see them").click()
    page.get_by_text("Bjørn Østergaard").wait_for()


def test_the_progress_bar_follows_a_running_import_and_moves_on_when_it_ends(staff_page, templates, assert_accessible):
    award_import = AwardImport.objects.create(
        file_name="window.csv", data=b"", state=ImportState.RUNNING, rows_total=10, to_create=10
    )
    page = staff_page

    page.goto(reverse("admin:badges_awardimport_progress", args=[award_import.pk]))
    assert page.get_by_label("Badges awarded").get_attribute("max") == "10"
    assert_accessible(page)
    AwardImport.objects.filter(pk=award_import.pk).update(
        state=ImportState.DONE, created=10, finished_at="2026-11-30T09:00Z"
    )

    page.wait_for_url("**" + reverse("admin:badges_awardimport_result", args=[award_import.pk]), timeout=10_000)
    expect(page.get_by_role("heading", name="Import of window.csv")).to_be_visible()


def test_the_check_page_moves_on_to_the_preview_once_the_rows_are_checked(staff_page, templates, assert_accessible):
    data = (FILES / "excel_latin1_semicolon.csv").read_bytes()
    award_import = AwardImport.objects.create(file_name="window.csv", data=data, state=ImportState.CHECKING)
    page = staff_page

    page.goto(reverse("admin:badges_awardimport_progress", args=[award_import.pk]))
    expect(page.get_by_role("heading", name="Checking window.csv")).to_be_visible()
    expect(page.get_by_text("Waiting for a worker to check the file…")).to_be_visible()
    assert_accessible(page)
    award_import_check(import_id=award_import.pk)

    page.wait_for_url("**" + reverse("admin:badges_awardimport_preview", args=[award_import.pk]), timeout=10_000)
    expect(page.get_by_role("button", name="Award 3 badges")).to_be_visible()
