"""The outbox through SMTP outages and killed workers, on the real stack: PostgreSQL, Redis, worker processes
(with their beat) and an SMTP server. Retry spans are shrunk to fractions of a second through the settings."""

import time

import pytest
from django.db import transaction

from badgeportal.tests.stack import Inbox, eventually, free_port, smtp_server
from badges.awards.services import CLAIM_EMAIL, award_issue
from badges.tests.factories import AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail, OutboxState
from outbox.services import outbox_enqueue_many, outbox_retry
from outbox.tasks import outbox_sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def issue(template, prefix, count):
    return [award_issue(template=template, email=f"{prefix}{n}@example.com", name=f"Earner {n}") for n in range(count)]


def rows_of(awards):
    return OutboxEmail.objects.filter(payload__award_id__in=[award.pk for award in awards])


def addresses(awards):
    return sorted(award.recipient_email for award in awards)


def test_an_smtp_outage_loses_and_doubles_nothing(worker_processes, tmp_path):
    port = free_port()  # nothing listens here until the server "comes back"
    worker_processes(
        "--concurrency=2",
        "--beat",
        f"--schedule={tmp_path / 'beat-schedule'}",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        EMAIL_TIMEOUT=2,
        OUTBOX_SWEEP_SECONDS=0.25,
        OUTBOX_RETRY_SECONDS=0.1,
        OUTBOX_RETRY_MAX_SECONDS=0.25,
        OUTBOX_FAIL_AFTER_SECONDS=10,
    )
    template = BadgeTemplateFactory()

    early = issue(template, "early", 5)
    time.sleep(5)  # the outage goes on
    late = issue(template, "late", 5)
    # The early ones fail for the whole span and are marked failed; the late ones are well past the eight
    # attempts after which the sweep used to give up on a row.
    assert eventually(lambda: rows_of(early).in_state(OutboxState.FAILED).count() == 5)
    assert eventually(lambda: all(row.attempts > 8 for row in rows_of(late)))
    assert not rows_of(late).in_state(OutboxState.FAILED).exists()

    inbox = Inbox()
    server = smtp_server(inbox, port)
    try:
        assert eventually(lambda: not rows_of(late).in_state(OutboxState.PENDING).exists())
        assert inbox.recipients() == addresses(late)  # failed rows wait for staff
        outbox_retry(rows=rows_of(early))
        assert eventually(lambda: len(inbox.messages) == 10)
        assert not eventually(lambda: len(inbox.messages) > 10, timeout=1.5)
    finally:
        server.stop()
    assert inbox.recipients() == addresses(early + late)
    assert rows_of(early + late).in_state(OutboxState.SENT).count() == 10


def test_a_worker_killed_mid_batch_leaves_every_email_to_be_sent_once(worker_processes, smtp_inbox):
    settings = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp_inbox.port}", "OUTBOX_BATCH_SIZE": 10, "OUTBOX_RETRY_SECONDS": 1}
    worker = worker_processes("--concurrency=1", **settings)
    awards = AwardFactory.create_batch(20)
    # The first batch is the first ten; the worker is killed while it sends the fifth.
    smtp_inbox.hold(awards[4].recipient_email)

    with transaction.atomic():
        emails = [OutboxEmail(kind=CLAIM_EMAIL, to=a.recipient_email, payload={"award_id": a.pk}) for a in awards]
        outbox_enqueue_many(emails=emails)
    assert smtp_inbox.holding.wait(timeout=30)
    worker.kill()
    smtp_inbox.release()

    assert smtp_inbox.recipients() == addresses(awards[:4])
    assert rows_of(awards[:4]).in_state(OutboxState.SENT).count() == 4
    worker_processes("--concurrency=2", **settings)
    outbox_sweep.delay()  # the beat's next tick
    assert eventually(lambda: not rows_of(awards).in_state(OutboxState.PENDING).exists())
    assert not eventually(lambda: len(smtp_inbox.messages) > 20, timeout=1.5)
    assert smtp_inbox.recipients() == addresses(awards)
