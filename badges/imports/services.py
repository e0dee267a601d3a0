"""Award imports: upload and preview, confirm, run.

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

from ..awards.bulk import awards_issue_many
from ..models import AwardImport, DuplicatePolicy, ImportState
from .parsing import ImportFileError, Problem, items_dump, items_load, plan_file, plan_renewals, renewal_refused

logger = logging.getLogger(__name__)

# Staff see a few hundred problems on the page; the CSV report holds them all.
PREVIEW_PROBLEMS_SHOWN = 200


def award_import_create(*, file_name, data, uploaded_by=None, encoding="", duplicates=DuplicatePolicy.SKIP,
                        send_email=True):  # fmt: skip
    """Check the file and store it with its preview; nothing is awarded. ImportFileError for a file that
    cannot be imported at all (too large, empty, binary, a workbook, a bad header, too many rows)."""
    if len(data) > settings.AWARD_IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message(), code="too_large")
    plan = plan_preview(data, encoding=encoding, duplicates=duplicates)
    return AwardImport.objects.create(
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        data=data,
        encoding=plan.encoding,
        delimiter=plan.delimiter,
        duplicates=duplicates,
        send_email=send_email,
        rows_total=plan.rows,
        to_create=plan.to_create,
        to_renew=plan.to_renew,
        renew_refused=len(plan.refusals),
        duplicate_count=len(plan.duplicates),
        error_count=plan.bad_rows,
        report=[problem.as_row() for problem in plan.problems + plan.duplicates + plan.refusals],
        problem_count=len(plan.problems),
        checked=items_dump(plan.items),
    )


def plan_preview(data, *, encoding="", duplicates=DuplicatePolicy.SKIP):
    """The file's plan under the `duplicates` policy, with `to_create` set: the preview and the dry run."""
    plan = plan_file(data, encoding=encoding)
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


def award_import_progress(*, award_import):
    """(done, total): the good rows written so far by a running import, out of all its good rows. Kept in the
    cache while it runs: its transaction shows the database nothing until the end."""
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
        reason = " ".join(error.messages) if isinstance(error, ImportFileError) else f"{type(error).__name__}: {error}"
        AwardImport.objects.filter(pk=import_id, state=ImportState.RUNNING).update(
            state=ImportState.FAILED, failure=reason[:2000], finished_at=timezone.now()
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
    """Queue again the imports confirmed but not finished: their task may have been lost (Redis down at
    confirmation) or its worker killed. One still running holds its row's lock and the new task leaves."""
    from .tasks import award_import_run_task

    if older_than_seconds is None:
        older_than_seconds = settings.AWARD_IMPORT_RESUME_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stalled = AwardImport.objects.filter(
        state__in=[ImportState.QUEUED, ImportState.RUNNING], confirmed_at__lte=cutoff
    ).values_list("pk", flat=True)
    for import_id in stalled:
        award_import_run_task.delay(import_id)
    return len(stalled)
