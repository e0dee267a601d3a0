import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from badges.awards.services import award_revoke
from badges.models import ClaimToken
from badges.tests.factories import AwardFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver, outbox_enqueue
from outbox.tasks import outbox_send, outbox_sweep

pytestmark = pytest.mark.django_db


class FailingBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")


@pytest.fixture
def claim_row():
    award = AwardFactory()
    return OutboxEmail.objects.create(kind="claim", to=award.recipient_email, payload={"award_id": award.pk})


def test_a_row_is_sent_once_and_stamped(claim_row):
    assert outbox_deliver(outbox_id=claim_row.pk) is True
    assert outbox_deliver(outbox_id=claim_row.pk) is False

    claim_row.refresh_from_db()
    assert len(mail.outbox) == 1
    assert claim_row.sent_at is not None
    assert claim_row.attempts == 1


def test_the_task_never_sends_a_sent_row_twice(claim_row):
    outbox_send.apply(args=[claim_row.pk])
    outbox_send.apply(args=[claim_row.pk])

    assert len(mail.outbox) == 1


def test_enqueue_sends_only_after_commit(django_capture_on_commit_callbacks):
    award = AwardFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_enqueue(kind="claim", to=award.recipient_email, payload={"award_id": award.pk})
    assert len(mail.outbox) == 0

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_an_smtp_failure_keeps_the_row_and_mints_no_token(settings, claim_row):
    settings.MAILERS = {"default": {"BACKEND": "outbox.tests.test_outbox.FailingBackend"}}

    with pytest.raises(smtplib.SMTPException):
        outbox_deliver(outbox_id=claim_row.pk)

    claim_row.refresh_from_db()
    assert claim_row.sent_at is None
    assert not ClaimToken.objects.exists()  # rolled back with the failed send


def test_the_task_records_the_failure_and_schedules_a_retry(settings, claim_row):
    settings.MAILERS = {"default": {"BACKEND": "outbox.tests.test_outbox.FailingBackend"}}

    result = outbox_send.apply(args=[claim_row.pk], retries=outbox_send.max_retries)

    claim_row.refresh_from_db()
    assert result.failed()
    assert claim_row.sent_at is None
    assert claim_row.attempts >= 1
    assert "connection lost" in claim_row.last_error


def test_a_revoked_award_closes_its_row_without_sending(claim_row):
    award_revoke(award=AwardFactory._meta.model.objects.get(pk=claim_row.payload["award_id"]), reason="Error")

    outbox_deliver(outbox_id=claim_row.pk)

    claim_row.refresh_from_db()
    assert claim_row.sent_at is not None
    assert mail.outbox == []


def test_the_sweep_sends_old_unsent_rows_and_leaves_fresh_ones(claim_row):
    fresh = OutboxEmail.objects.create(kind="claim", to=claim_row.to, payload=claim_row.payload)
    OutboxEmail.objects.filter(pk=claim_row.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    swept = outbox_sweep.apply().get()

    claim_row.refresh_from_db()
    fresh.refresh_from_db()
    assert swept == 1
    assert claim_row.sent_at is not None
    assert fresh.sent_at is None
    assert len(mail.outbox) == 1
