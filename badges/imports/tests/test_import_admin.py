"""The import in admin: upload → check → preview → confirm → progress → result, by staff with two-factor
authentication."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.imports.services import award_import_check
from badges.models import Award, AwardImport, ImportState
from outbox.models import OutboxEmail

from .helpers import csv_bytes, fixture

pytestmark = pytest.mark.django_db

ADD = reverse("admin:badges_awardimport_add")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def upload(client, data, name="awards.csv", checked=True, **fields):
    """Post the upload form; with `checked`, the check task it queues runs (Celery runs tasks in-process here)."""
    form = {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "duplicates": "skip", "send_email": "on"}
    with TestCase.captureOnCommitCallbacks(execute=checked):
        return client.post(ADD, {**form, **fields})


def page(client, award_import, name):
    return client.get(reverse(f"admin:badges_awardimport_{name}", args=[award_import.pk]))


def confirm(client, award_import):
    return client.post(reverse("admin:badges_awardimport_confirm", args=[award_import.pk]))


def test_the_upload_page_is_linked_from_the_awards_list_and_the_admin_index(staff):
    assert ADD in staff.get(reverse("admin:badges_award_changelist")).text
    assert ADD in staff.get(reverse("admin:index")).text
    response = staff.get(ADD)
    assert response.status_code == 200
    assert 'type="file"' in response.text
    assert "recipient email" in response.text  # the columns are explained


def test_staff_without_two_factor_authentication_are_sent_to_set_it_up(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, mfa=False))

    assert client.get(ADD).status_code == 302


def test_an_upload_shows_a_preview_and_writes_no_award(staff, templates):
    data = csv_bytes(
        "AZ-900,ana@example.com,Ana Ruiz,2026-11-02",
        "AZ-900,ana@example.com,Ana Ruiz,2026-11-02",
        "AZ-900,not-an-address,Bad Row,2026-11-02",
    )

    response = upload(staff, data)

    award_import = AwardImport.objects.get()
    assert response.url == reverse("admin:badges_awardimport_progress", args=[award_import.pk])
    # Checked by then: the progress page and its poll send on to the preview.
    preview_url = reverse("admin:badges_awardimport_preview", args=[award_import.pk])
    assert staff.get(response.url).url == page(staff, award_import, "status").json()["page"] == preview_url
    preview = page(staff, award_import, "preview").text
    assert "Badges to award</th><td><strong>1</strong>" in preview
    assert "repeats line 2" in preview
    assert "is not a valid email address" in preview
    assert 'value="Award 1 badge"' in preview
    assert (award_import.uploaded_by, award_import.state, award_import.error_count) == (
        award_import.uploaded_by, ImportState.PREVIEWED, 1)  # fmt: skip
    assert not Award.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("awards.xlsx", "This is an Excel workbook"),
        ("badge.png", "This is not a text file"),
        ("header_only.csv", "The file has a header but no rows."),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_on_the_form(staff, templates, name, message):
    response = upload(staff, fixture(name), name=name)

    assert response.status_code == 200
    assert message in response.text
    assert not AwardImport.objects.exists()


def test_a_file_over_the_import_cap_is_refused_with_its_own_message(staff, settings):
    settings.AWARD_IMPORT_MAX_BYTES = 1000

    response = upload(staff, b"x" * 1001)

    assert response.status_code == 200
    assert "The file is larger than" in response.text


def test_the_upload_page_alone_takes_more_than_the_site_wide_request_cap(staff, templates, settings):
    settings.MAX_REQUEST_BYTES = 2000
    rows = [f"AZ-900,e{n}@example.com,Earner {n},2026-11-02" for n in range(100)]

    assert upload(staff, csv_bytes(*rows)).status_code == 302
    assert staff.post(reverse("admin:badges_award_add"), {"recipient_name": "x" * 3000}).status_code == 413


def test_a_body_over_the_import_cap_is_refused_before_it_is_read(staff, settings):
    settings.AWARD_IMPORT_MAX_BYTES = 1000
    settings.MAX_REQUEST_BYTES = 1000

    response = staff.post(ADD, data=b"x" * 100_000, content_type="multipart/form-data; boundary=x")

    assert response.status_code == 413
    assert "The file is larger than" in response.text


def test_confirming_imports_once_however_often_it_is_sent(staff, templates, django_capture_on_commit_callbacks):
    upload(staff, csv_bytes("AZ-900,ana@example.com,Ana Ruiz,2026-11-02", "AZ-900,bo@example.com,Bo,2026-11-02"))
    award_import = AwardImport.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        first = confirm(staff, award_import)
        second = confirm(staff, award_import)

    assert first.url == second.url == reverse("admin:badges_awardimport_progress", args=[award_import.pk])
    award_import.refresh_from_db()
    assert (award_import.state, award_import.created) == (ImportState.DONE, 2)
    assert Award.objects.filter(award_import=award_import).count() == 2
    assert OutboxEmail.objects.count() == 2
    assert "already confirmed" in staff.get(reverse("admin:badges_awardimport_result", args=[award_import.pk])).text


def test_the_result_page_gives_counts_time_and_links(staff, templates, django_capture_on_commit_callbacks):
    upload(staff, csv_bytes("AZ-900,ana@example.com,Ana Ruiz,2026-11-02", "AZ-900,bad,Bad,2026-11-02"))
    award_import = AwardImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(staff, award_import)

    result = page(staff, award_import, "result").text
    assert "Badges awarded</th><td><strong>1</strong>" in result
    assert "Bad rows left out</th><td>1</td>" in result
    assert " s</td>" in result  # time taken
    awards = staff.get(reverse("admin:badges_award_changelist") + f"?award_import__id__exact={award_import.pk}")
    assert "ana@example.com" in awards.text
    listing = staff.get(reverse("admin:badges_awardimport_changelist")).text
    assert award_import.file_name in listing
    assert reverse("admin:badges_awardimport_report", args=[award_import.pk]) in listing


def test_the_progress_page_has_a_bar_that_updates_with_or_without_javascript(staff, templates):
    upload(staff, csv_bytes("AZ-900,ana@example.com,Ana Ruiz,2026-11-02"))
    award_import = AwardImport.objects.get()
    AwardImport.objects.filter(pk=award_import.pk).update(state=ImportState.RUNNING)

    progress = page(staff, award_import, "progress").text
    status = page(staff, award_import, "status").json()

    assert '<progress id="import-progress-bar" max="1" value="0">' in progress
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in progress
    assert "js/import_progress.js" in progress
    assert status == {"state": "running", "done": 0, "total": 1, "page": progress_url(award_import)}


def progress_url(award_import):
    return reverse("admin:badges_awardimport_progress", args=[award_import.pk])


def test_rows_are_checked_after_the_upload_answers_with_a_progress_bar(staff, templates):
    response = upload(staff, csv_bytes("AZ-900,ana@example.com,Ana Ruiz,2026-11-02"), checked=False)

    award_import = AwardImport.objects.get()
    assert response.url == progress_url(award_import)
    assert (award_import.state, award_import.uploaded_by, award_import.encoding) == (
        ImportState.CHECKING, award_import.uploaded_by, "utf-8")  # fmt: skip
    progress = staff.get(response.url).text
    assert '<label for="import-progress-bar">Lines checked</label>' in progress
    assert "Waiting for a worker to check the file" in progress
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in progress
    assert page(staff, award_import, "preview").url == progress_url(award_import)  # no preview yet
    assert page(staff, award_import, "status").json() == {
        "state": "checking", "done": 0, "total": 0, "page": progress_url(award_import)}  # fmt: skip
    early = staff.post(reverse("admin:badges_awardimport_confirm", args=[award_import.pk]), follow=True)
    assert "The file is still being checked; confirm it from its preview." in early.text
    assert AwardImport.objects.get().state == ImportState.CHECKING  # nothing to confirm before the preview

    award_import_check(import_id=award_import.pk)

    assert staff.get(response.url).url == reverse("admin:badges_awardimport_preview", args=[award_import.pk])
    assert AwardImport.objects.get().to_create == 1
    assert not Award.objects.exists()


def test_a_file_that_could_no_longer_be_imported_when_checked_says_why(staff, templates, settings):
    upload(staff, csv_bytes(*[f"AZ-900,e{n}@example.com,E {n},2026-11-02" for n in range(3)]), checked=False)
    award_import = AwardImport.objects.get()
    settings.AWARD_IMPORT_MAX_ROWS = 2  # lowered between the upload and its check

    award_import_check(import_id=award_import.pk)

    result_url = reverse("admin:badges_awardimport_result", args=[award_import.pk])
    assert page(staff, award_import, "progress").url == result_url
    result = page(staff, award_import, "result").text
    assert "The file has more than 2 rows; split it into several files." in result
    assert "Import another file" in result
    assert not Award.objects.exists()


def test_the_problem_report_neutralises_formulas(staff, templates):
    rows = [
        'AZ-900,=HYPERLINK("http://evil.example"),A,2026-11-02',
        "AZ-900,+1@x,B,2026-11-02",
        "AZ-900,-2@x,C,2026-11-02",
        "AZ-900,@SUM(A1),D,2026-11-02",
        "\"=cmd|' /C calc'!A0\",e@example.com,E,2026-11-02",
        'AZ-900,"\tf@x",F,2026-11-02',
    ]
    upload(staff, csv_bytes(*rows))
    award_import = AwardImport.objects.get()

    response = page(staff, award_import, "report")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'=cmd|' /C calc'!A0" in cells


def test_an_import_is_shown_only_to_staff(client, templates):
    client.force_login(UserFactory())
    award_import = AwardImport.objects.create(file_name="a.csv", data=b"")

    assert page(client, award_import, "report").status_code == 302  # to the admin's sign-in
    assert client.get(ADD).status_code == 302


def test_uploads_and_confirmations_are_in_the_audit_trail(staff, admin_user, templates):
    from auditlog.models import LogEntry

    upload(staff, csv_bytes("AZ-900,ana@example.com,Ana Ruiz,2026-11-02"))
    award_import = AwardImport.objects.get()
    confirm(staff, award_import)

    entries = LogEntry.objects.get_for_object(award_import).order_by("timestamp")
    assert [entry.action for entry in entries][:2] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert {entries[0].actor, entries[1].actor} == {admin_user}
    assert entries[1].changes_dict["state"] == ["previewed", "queued"]
    assert "data" not in entries[0].changes_dict and "checked" not in entries[0].changes_dict
