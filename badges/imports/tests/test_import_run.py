"""Running a confirmed import: all or nothing, once, at size."""

import re
import time

import pytest

from badges.awards.signals import awards_issued_in_bulk
from badges.imports.parsing import ImportFileError, plan_file
from badges.imports.services import (
    award_import_check,
    award_import_confirm,
    award_import_create,
    award_import_progress,
    award_import_run,
    award_imports_resume,
)
from badges.models import Award, AwardImport, ImportState
from badges.tests.factories import AwardFactory
from outbox.models import OutboxEmail

from .helpers import csv_bytes

pytestmark = pytest.mark.django_db


def rows(count, start=0):
    return [f"AZ-900,earner{n}@example.com,Earner {n},2026-11-02" for n in range(start, start + count)]


def confirmed(data, **options):
    award_import = award_import_create(file_name="awards.csv", data=data, **options)
    assert award_import_confirm(award_import=award_import, queue=False)
    return award_import


def test_a_crash_mid_way_leaves_no_partial_import_and_the_import_says_why(templates):
    award_import = confirmed(csv_bytes(*rows(2500)))
    batches = []

    def crash_on_third_batch(sender, awards, **kwargs):
        batches.append(len(awards))
        if len(batches) == 3:
            raise MemoryError("killed mid-way")

    awards_issued_in_bulk.connect(crash_on_third_batch)
    try:
        assert award_import_run(import_id=award_import.pk) is None
    finally:
        awards_issued_in_bulk.disconnect(crash_on_third_batch)

    assert batches == [1000, 1000, 500]
    assert not Award.objects.exists()
    assert not OutboxEmail.objects.exists()
    award_import.refresh_from_db()
    assert award_import.state == ImportState.FAILED
    assert "killed mid-way" in award_import.failure


def test_an_import_left_running_by_a_dead_worker_runs_again_from_the_start_once(templates):
    award_import = confirmed(csv_bytes(*rows(3)))
    # The worker marked it running, then died: its transaction with the awards rolled back.
    AwardImport.objects.filter(pk=award_import.pk).update(state=ImportState.RUNNING)

    assert award_import_run(import_id=award_import.pk).created == 3
    assert award_import_run(import_id=award_import.pk) is None  # the redelivered task finds it done

    assert Award.objects.count() == OutboxEmail.objects.count() == 3


def test_the_beat_queues_again_imports_whose_task_was_lost(templates, django_capture_on_commit_callbacks):
    award_import = confirmed(csv_bytes(*rows(2)))  # confirmed, but its task never reached a worker
    assert award_imports_resume(older_than_seconds=60) == 0  # too recent: its task may still come

    assert award_imports_resume(older_than_seconds=0) == 1

    award_import.refresh_from_db()
    assert (award_import.state, award_import.created) == (ImportState.DONE, 2)


def test_duplicate_policies_at_run_time(templates):
    AwardFactory(template=templates[0], recipient_email="earner0@example.com")
    data = csv_bytes(*rows(3), rows(1, start=1)[0])

    skip = award_import_run(import_id=confirmed(data).pk)
    assert (skip.created, skip.skipped) == (2, 2)
    assert [row[0] for row in skip.report] == [2, 5]

    allow = award_import_run(import_id=confirmed(data, duplicates="allow").pk)
    assert (allow.created, allow.skipped) == (4, 0)


def test_an_import_without_email_writes_no_outbox_row(templates):
    award_import_run(import_id=confirmed(csv_bytes(*rows(3)), send_email=False).pk)

    assert Award.objects.count() == 3
    assert not OutboxEmail.objects.exists()


def test_the_file_is_not_kept_once_its_awards_exist(templates):
    award_import = award_import_run(import_id=confirmed(csv_bytes(*rows(1))).pk)

    assert bytes(AwardImport.objects.get(pk=award_import.pk).data) == b""


def test_a_ten_thousand_row_file_imports(templates):
    data = csv_bytes(*rows(10_000))
    seen = []

    started = time.monotonic()
    award_import = award_import_run(import_id=confirmed(data).pk, progress=lambda done, total: seen.append(done))
    print(f"10,000 rows previewed and imported in {time.monotonic() - started:.1f} s")

    assert award_import.created == 10_000
    assert Award.objects.count() == OutboxEmail.objects.count() == 10_000
    assert seen == list(range(1000, 10_001, 1000))


def test_a_template_deleted_after_the_preview_fails_the_import_with_a_reason(templates):
    award_import = confirmed(csv_bytes("cloud-engineer,a@example.com,A,2026-11-02"))
    templates[1].delete()

    assert award_import_run(import_id=award_import.pk) is None

    award_import.refresh_from_db()
    assert award_import.state == ImportState.FAILED
    assert award_import.failure == "A badge template named in the file was deleted since the preview; upload it again."


def test_a_check_runs_once_and_the_beat_queues_again_a_check_whose_task_was_lost(templates):
    award_import = award_import_create(file_name="a.csv", data=csv_bytes(*rows(2)), check_later=True)
    assert award_import.state == ImportState.CHECKING  # its task went nowhere: not run on commit here
    assert award_imports_resume(older_than_seconds=60) == 0  # too recent: its task may still come

    assert award_imports_resume(older_than_seconds=0) == 1  # Celery runs it in-process here

    award_import.refresh_from_db()
    assert (award_import.state, award_import.to_create, award_import.rows_total) == (ImportState.PREVIEWED, 2, 2)
    assert award_import_check(import_id=award_import.pk) is None  # a redelivered task finds it checked
    assert not Award.objects.exists()


def test_a_file_that_cannot_be_imported_at_all_is_refused_before_it_is_stored(templates, settings):
    settings.AWARD_IMPORT_MAX_ROWS = 2
    for data, message in [
        (csv_bytes(), "The file has a header but no rows."),
        (b"name,colour\nAna,blue\n", "Line 1 (the header): unknown column"),
        (csv_bytes(*rows(3)), "The file has more than 2 rows; split it into several files."),
    ]:
        with pytest.raises(ImportFileError, match=re.escape(message)):
            award_import_create(file_name="a.csv", data=data, check_later=True)
    assert not AwardImport.objects.exists()


def test_the_check_reports_how_far_through_the_file_it_is(templates):
    reports = []

    plan_file(csv_bytes(*rows(2500)), progress=lambda line, lines: reports.append((line, lines)))

    assert reports == [(1001, 2502), (2001, 2502)]  # the header is line 1; the file ends with a newline


def test_the_run_starts_its_progress_at_zero_not_where_the_check_ended(templates):
    award_import = award_import_create(file_name="a.csv", data=csv_bytes(*rows(2500)), check_later=True)
    award_import_check(import_id=award_import.pk)  # told the progress page line 2,001 of 2,502
    award_import.refresh_from_db()
    assert award_import_confirm(award_import=award_import, queue=False)

    AwardImport.objects.filter(pk=award_import.pk).update(state=ImportState.RUNNING)  # its worker started
    award_import.refresh_from_db()

    assert award_import_progress(award_import=award_import) == (0, 2500)
