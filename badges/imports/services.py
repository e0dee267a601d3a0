"""Award imports: upload and preview, confirm, run.

An upload from admin is stored at once, once the file as a whole can be imported (`file_check`); a task
checks its rows and stores the preview (checking → previewed, or failed with the reason).

A confirmed import is all or nothing and runs once. `award_import_confirm` moves it from previewed to queued
with a conditional UPDATE, so a second confirmation (a double click, two tabs) changes nothing. The run marks
it running in a transaction of its own (so pages see it), then does everything in one transaction that
starts by locking the import's row: awards, claim emails, and the import marked done, committed together.
A crash rolls all of it back; the import stays running and is run again, from the start, by the redelivered
task or by the beat's `award_imports_resume`. A second run at the same time finds the row locked and leaves.
"""

import logging
from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from badgeportal.audit import audit_actor

from ..awards.bulk import awards_issue_many, batch_size_for
from ..models import AwardImport, DuplicatePolicy, ImportState
from .parsing import (
    ImportFileError,
    Problem,
    file_check,
    items_dump,
    items_load,
    plan_file,
    plan_renewals,
    renewal_refused,
)

logger = logging.getLogger(__name__)

# Staff see a few hundred problems on the page; the CSV report holds them all.
PREVIEW_PROBLEMS_SHOWN = 200


def award_import_create(*, file_name, data, uploaded_by=None, encoding="", duplicates=DuplicatePolicy.SKIP,
                        send_email=True, check_later=False):  # fmt: skip
    """Store the file with its preview; nothing is awarded. ImportFileError for a file that cannot be imported
    at all (too large, empty, binary, a workbook, a bad header, no rows, too many rows).

    With `check_later` (the admin upload) only that is done at once, and the rows are checked by a task
    (`award_import_check`): a file of 100,000 rows takes longer than a request should.
    """
    if len(data) > settings.AWARD_IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message(), code="too_large")
    upload = {"uploaded_by": uploaded_by, "file_name": file_name[:255], "data": data, "duplicates": duplicates,
              "send_email": send_email}  # fmt: skip
    if check_later:
        award_import = AwardImport.objects.create(
            **upload, encoding=file_check(data, encoding=encoding), state=ImportState.CHECKING
        )
        from .tasks import award_import_check_task

        award_import_check_task.delay_on_commit(award_import.pk)
        return award_import
    plan = plan_preview(data, encoding=encoding, duplicates=duplicates)
    return AwardImport.objects.create(**upload, **_preview_fields(plan))


def award_import_check(*, import_id):
    """Check the rows of an import uploaded with `check_later` and store its preview (or why the file cannot
    be imported); return the import, or None when it is not waiting for its check (gone, checked already)."""
    award_import = AwardImport.objects.filter(pk=import_id, state=ImportState.CHECKING).first()
    if award_import is None:
        return None

    def report(line, lines):
        cache.set(check_progress_key(import_id), (line, lines), timeout=3600)

    try:
        plan = plan_preview(
            bytes(award_import.data),
            encoding=award_import.encoding,
            duplicates=award_import.duplicates,
            progress=report,
        )
        fields = {"state": ImportState.PREVIEWED, **_preview_fields(plan)}
    except Exception as error:
        if not isinstance(error, ImportFileError):
            logger.exception("Checking award import %s failed", import_id)
        fields = {"state": ImportState.FAILED, "failure": _failure(error), "finished_at": timezone.now()}
    # A second check of the same import (a redelivered task) finds it checked and changes nothing.
    AwardImport.objects.filter(pk=import_id, state=ImportState.CHECKING).update(**fields)
    award_import.refresh_from_db()
    return award_import


def _preview_fields(plan):
    return {
        "encoding": plan.encoding,
        "delimiter": plan.delimiter,
        "rows_total": plan.rows,
        "to_create": plan.to_create,
        "to_renew": plan.to_renew,
        "renew_refused": len(plan.refusals),
        "duplicate_count": len(plan.duplicates),
        "error_count": plan.bad_rows,
        "report": [problem.as_row() for problem in plan.problems + plan.duplicates + plan.refusals],
        "problem_count": len(plan.problems),
        "checked": items_dump(plan.items),
    }


def _failure(error):
    reason = " ".join(error.messages) if isinstance(error, ImportFileError) else f"{type(error).__name__}: {error}"
    return reason[:2000]


def plan_preview(data, *, encoding="", duplicates=DuplicatePolicy.SKIP, progress=None):
    """The file's plan under the `duplicates` policy, with `to_create` set: the preview and the dry run."""
    plan = plan_file(data, encoding=encoding, progress=progress)
    if duplicates == DuplicatePolicy.RENEW:
        plan_renewals(plan)
        # Repeats are skipped; held rows are renewed or refused: neither is created.
        plan.to_create = len(plan.items) - len(plan.duplicates) - len(plan.held)
    elif duplicates == DuplicatePolicy.SKIP:
        plan.to_create = len(plan.items) - len(plan.duplicates)
    else:
        plan.to_create = len(plan.items)
    return plan


def too_large_message():
    megabytes = settings.AWARD_IMPORT_MAX_BYTES / (1024 * 1024)
    return f"The file is larger than {megabytes:g} MB; split it into several files."


def award_import_confirm(*, award_import, queue=True):
    """Queue the import to run (`queue=False`: the caller runs it); False if it was already confirmed, and
    then nothing changes."""
    confirmed = AwardImport.objects.filter(pk=award_import.pk, state=ImportState.PREVIEWED).update(
        state=ImportState.QUEUED, confirmed_at=timezone.now()
    )
    if confirmed:
        # A queryset update passes the audit trail by: say who confirmed it here.
        changes = {"state": [ImportState.PREVIEWED, ImportState.QUEUED]}
        LogEntry.objects.log_create(award_import, action=LogEntry.Action.UPDATE, changes=changes)
    if confirmed and queue:
        from .tasks import award_import_run_task

        award_import_run_task.delay_on_commit(award_import.pk)
    return bool(confirmed)


def progress_key(import_id):
    return f"award-import-progress:{import_id}"


def check_progress_key(import_id):
    # Apart from the run's: the run must not start from where the check ended.
    return f"award-import-check:{import_id}"


def award_import_progress(*, award_import):
    """(done, total): the good rows written so far by a running import, out of all its good rows; while its
    rows are checked, the lines of the file checked so far, out of all its lines. Kept in the cache: a
    running import's transaction shows the database nothing until the end."""
    if award_import.state == ImportState.CHECKING:
        return cache.get(check_progress_key(award_import.pk), (0, 0))
    total = award_import.rows_total - award_import.error_count
    if award_import.state == ImportState.DONE:
        return total, total
    if award_import.state != ImportState.RUNNING:
        return 0, total
    return min(cache.get(progress_key(award_import.pk), 0), total), total


def award_import_run(*, import_id, progress=None):
    """Run a confirmed import; return it, or None when there is nothing to do (gone, done, running elsewhere)."""
    AwardImport.objects.filter(pk=import_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, started_at=timezone.now()
    )
    try:
        return _run(import_id, progress)
    except Exception as error:
        logger.exception("Award import %s failed; nothing of it was written", import_id)
        AwardImport.objects.filter(pk=import_id, state=ImportState.RUNNING).update(
            state=ImportState.FAILED, failure=_failure(error), finished_at=timezone.now()
        )
        return None


@transaction.atomic
def _run(import_id, progress):
    award_import = (
        AwardImport.objects.select_for_update(skip_locked=True).filter(pk=import_id, state=ImportState.RUNNING).first()
    )
    if award_import is None:
        return None
    # The rows were checked at upload; the awards' own rules hold again at the insert (constraints, keys).
    items = items_load(award_import.checked)
    problems = award_import.report[: award_import.problem_count]

    def report(done):
        cache.set(progress_key(import_id), done, timeout=3600)
        if progress:
            progress(done, len(items))

    with audit_actor(award_import.uploaded_by):
        result = awards_issue_many(
            items=items,
            send_email=award_import.send_email,
            duplicates=award_import.duplicates,
            award_import=award_import,
            progress=report,
            batch_size=batch_size_for(len(items)),
        )
    skipped = [Problem(item.ref, "recipient email", item.email, "skipped: a duplicate") for item in result.skipped]
    refused = [renewal_refused(item, error) for item, error in result.refused]
    award_import.report = problems + [problem.as_row() for problem in skipped + refused]
    award_import.created = result.created
    award_import.renewed = result.renewed
    award_import.renew_refused = len(result.refused)
    award_import.skipped = len(result.skipped)
    award_import.failed = award_import.error_count
    award_import.state = ImportState.DONE
    award_import.finished_at = timezone.now()
    # The file holds earners' names and addresses, now in their awards: keep no second copy.
    award_import.data, award_import.checked = b"", ""
    fields = [
        "report",
        "created",
        "renewed",
        "renew_refused",
        "skipped",
        "failed",
        "state",
        "finished_at",
        "data",
        "checked",
    ]
    award_import.save(update_fields=fields)
    return award_import


def award_imports_resume(*, older_than_seconds=None):
    """Queue again the imports uploaded but not checked, and those confirmed but not finished: their task may
    have been lost (Redis down at the time) or its worker killed. One still running holds its row's lock and
    the new task leaves; a check done twice stores its preview once."""
    from .tasks import award_import_check_task, award_import_run_task

    if older_than_seconds is None:
        older_than_seconds = settings.AWARD_IMPORT_RESUME_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    unchecked = AwardImport.objects.filter(state=ImportState.CHECKING, created_at__lte=cutoff)
    stalled = AwardImport.objects.filter(state__in=[ImportState.QUEUED, ImportState.RUNNING], confirmed_at__lte=cutoff)
    unchecked, stalled = list(unchecked.values_list("pk", flat=True)), list(stalled.values_list("pk", flat=True))
    for import_id in unchecked:
        award_import_check_task.delay(import_id)
    for import_id in stalled:
        award_import_run_task.delay(import_id)
    return len(unchecked) + len(stalled)
