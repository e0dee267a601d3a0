"""`manage.py import_awards`: the admin's import from a terminal, on the same services."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from badges.models import Award, AwardImport, ImportState
from badges.tests.factories import AwardFactory
from outbox.models import OutboxEmail

from .helpers import FILES, csv_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_awards", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, data, name="awards.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_it_imports_a_file_with_a_progress_bar_and_claim_emails(templates, tmp_path):
    rows = [f"AZ-900,e{n}@example.com,Earner {n},2026-11-02" for n in range(1500)] + ["AZ-900,bad,Bad,2026-11-02"]

    out, err = run(write(tmp_path, csv_bytes(*rows)))

    assert "1,501 rows: 1,500 to award, 0 duplicates." in out
    assert "line 1502 (recipient email: “bad”): “bad” is not a valid email address." in out
    assert "Awarded 1,500 badges, skipped 0 duplicates, left out 1 bad rows" in out
    assert "[###################...........]  66% 1,000 of 1,500" in err
    assert "100% 1,500 of 1,500" in err
    award_import = AwardImport.objects.get()
    assert (award_import.state, award_import.uploaded_by) == (ImportState.DONE, None)
    assert Award.objects.count() == OutboxEmail.objects.count() == 1500


def test_a_dry_run_writes_nothing(templates):
    out, _ = run(str(FILES / "excel_latin1_semicolon.csv"), "--dry-run")

    assert "3 rows: 3 to award, 0 duplicates." in out
    assert "Dry run: nothing was written." in out
    assert not Award.objects.exists()
    assert not AwardImport.objects.exists()


def test_no_email_and_duplicate_policies(templates, tmp_path):
    AwardFactory(template=templates[0], recipient_email="held@example.com")
    path = write(
        tmp_path, csv_bytes("AZ-900,held@example.com,Held,2026-11-02", "AZ-900,new@example.com,New,2026-11-02")
    )

    out, _ = run(path, "--no-email")
    assert "Awarded 1 badges, skipped 1 duplicates" in out
    assert "line 2 (recipient email: “held@example.com”): already holds this badge (not revoked)" in out

    out, _ = run(path, "--no-email", "--duplicates", "allow")
    assert "Awarded 2 badges, skipped 0 duplicates" in out
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("awards.xlsx", "This is an Excel workbook"),
        ("badge.png", "This is not a text file"),
        ("header_only.csv", "The file has a header but no rows."),
    ],
)
def test_a_file_it_cannot_import_is_refused_with_its_reason(templates, name, message):
    with pytest.raises(CommandError, match=message):
        run(str(FILES / name))


def test_the_size_cap_applies_before_the_file_is_read(templates, tmp_path, settings):
    settings.AWARD_IMPORT_MAX_BYTES = 10

    with pytest.raises(CommandError, match="larger than"):
        run(write(tmp_path, csv_bytes("AZ-900,a@example.com,A,2026-11-02")))
