"""Writing emails to the outbox and sending one row."""

import pytest
from django.core import mail

from badges.awards.services import CLAIM_EMAIL, award_revoke
from badges.models import Award, ClaimToken
from badges.tests.factories import AwardFactory
from outbox.models import OutboxEmail, OutboxState
from outbox.services import outbox_deliver, outbox_enqueue, outbox_enqueue_many
from outbox.tasks import outbox_sweep

from .factories import claim_email

pytestmark = pytest.mark.django_db


def test_a_row_is_sent_once_and_stamped():
    row = claim_email()

    assert outbox_deliver(row=row) is True
    assert outbox_deliver(row=row) is False

    row.refresh_from_db()
    assert len(mail.outbox) == 1
    assert row.state == OutboxState.SENT


def test_the_sweep_never_sends_a_sent_row_twice():
    claim_email()

    outbox_sweep.apply()
    outbox_sweep.apply()

    assert len(mail.outbox) == 1


def test_enqueue_sends_only_after_commit(django_capture_on_commit_callbacks):
    award = AwardFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_enqueue(kind=CLAIM_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})
    assert len(mail.outbox) == 0

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_enqueue_many_writes_every_row_and_queues_one_sweep(django_capture_on_commit_callbacks):
    awards = AwardFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_enqueue_many(
            emails=[
                OutboxEmail(kind=CLAIM_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})
                for award in awards
            ]
        )
    assert len(callbacks) == 1

    callbacks[0]()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(award.recipient_email for award in awards)


def test_an_smtp_refusal_keeps_the_row_and_mints_no_token(smtp_inbox):
    row = claim_email()
    smtp_inbox.refused.add(row.to)

    with pytest.raises(Exception, match="No such mailbox"):
        outbox_deliver(row=row)

    row.refresh_from_db()
    assert row.state == OutboxState.PENDING
    assert not ClaimToken.objects.exists()  # rolled back with the failed send


def test_a_revoked_award_closes_its_row_without_sending():
    row = claim_email()
    award_revoke(award=Award.objects.get(pk=row.payload["award_id"]), reason="Error")

    outbox_deliver(row=row)

    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert mail.outbox == []
