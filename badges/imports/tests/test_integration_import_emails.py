"""An import on the real stack: PostgreSQL, Redis, worker processes and an SMTP server. Every award of a
2,000-row import gets exactly one claim email, also when the worker is killed mid-drain and restarted."""

import collections

import pytest

from badgeportal.tests.stack import eventually
from badges.imports.services import award_import_confirm, award_import_create
from badges.models import Award, AwardImport, ImportState
from outbox.models import OutboxEmail, OutboxState

from .helpers import csv_bytes

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROWS = 2000


def import_file(rows):
    lines = [
        f"{'AZ-900' if n % 2 else 'cloud-engineer'},earner{n}@example.com,Earner {n},2026-11-02" for n in range(rows)
    ]
    return csv_bytes(*lines)


def test_every_award_of_an_import_gets_one_email_when_the_worker_dies_mid_drain(
    worker_processes,
    smtp_inbox,
    templates,
    tmp_path,
):
    settings = {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_inbox.port}",
        # What a killed worker had claimed is due again a second later (the rows' next_attempt_at).
        "OUTBOX_RETRY_SECONDS": 1,
        "OUTBOX_RETRY_MAX_SECONDS": 2,
        "OUTBOX_SWEEP_SECONDS": 0.5,
    }
    # Both pool processes send; when one reaches this address the server stalls every send (see Inbox.hold).
    smtp_inbox.hold("earner300@example.com", stall=True)
    worker = worker_processes("--concurrency=2", **settings)
    award_import = award_import_create(file_name="exam-window.csv", data=import_file(ROWS))

    assert award_import_confirm(award_import=award_import)  # queued on the imports queue at once
    assert eventually(lambda: AwardImport.objects.get(pk=award_import.pk).state == ImportState.DONE, timeout=120)
    assert Award.objects.filter(award_import=award_import).count() == OutboxEmail.objects.count() == ROWS
    # Killed mid-drain while the mail server holds the sends before accepting them: rows claimed, some of them
    # sent, the rest not due again yet. (Killed in the instant between the server's acceptance and our commit,
    # the window every SMTP client has, the worker would send that one email again: README, "Emails: the outbox".
    # The stall keeps the kill out of that instant, in the other pool process too.)
    assert smtp_inbox.holding.wait(timeout=120), worker.log()[-3000:]
    worker.kill()
    smtp_inbox.release()

    sent_before = len(smtp_inbox.messages)
    assert 0 < sent_before < ROWS
    worker_processes("--concurrency=2", "--beat", f"--schedule={tmp_path / 'beat-schedule'}", **settings)
    assert eventually(lambda: not OutboxEmail.objects.in_state(OutboxState.PENDING).exists(), timeout=300)
    assert not eventually(lambda: len(smtp_inbox.messages) > ROWS, timeout=3)

    received = collections.Counter(message["To"] for message in smtp_inbox.messages)
    expected = set(Award.objects.values_list("recipient_email", flat=True))
    assert set(received) == expected
    assert max(received.values()) == 1
    assert OutboxEmail.objects.in_state(OutboxState.SENT).count() == ROWS


def test_an_import_confirmed_while_its_task_was_lost_is_run_by_the_beat(worker_processes, templates, tmp_path):
    award_import = award_import_create(file_name="lost.csv", data=import_file(20))
    award_import_confirm(award_import=award_import, queue=False)  # as if Redis had been down at confirmation
    AwardImport.objects.filter(pk=award_import.pk).update(confirmed_at="2026-01-01T00:00Z")

    worker_processes("--concurrency=1", "--beat", f"--schedule={tmp_path / 'beat-schedule'}",
                     AWARD_IMPORT_RESUME_SECONDS=1)  # fmt: skip

    assert eventually(lambda: AwardImport.objects.get(pk=award_import.pk).state == ImportState.DONE, timeout=120)
    assert Award.objects.count() == 20
