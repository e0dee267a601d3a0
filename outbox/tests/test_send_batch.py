"""Sending a batch: what is read once for the batch, what each email still checks and writes on its own."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail

from badges.awards.services import award_revoke, claim_token_lookup
from badges.models import Award, ClaimToken
from outbox.models import OutboxEmail, OutboxState
from outbox.registry import prefetch
from outbox.services import outbox_claim, outbox_deliver, outbox_preview, outbox_send_batch

from .factories import claim_email

pytestmark = pytest.mark.django_db

# Per email, in its own transaction: the claim token (minted with a re-check of its award) and the stamp
# (with the subject), between a savepoint and its release (the test's transaction stands in for the
# commit). Per batch: the awards with their templates and issuers, one query however many emails.
QUERIES_PER_EMAIL = 4
QUERIES_PER_BATCH = 1


@pytest.mark.parametrize("size", [3, 12])
def test_a_batch_reads_its_awards_once_whatever_its_size(size, django_assert_num_queries):
    for _ in range(size):
        claim_email()
    rows = outbox_claim(limit=size)

    with django_assert_num_queries(QUERIES_PER_BATCH + QUERIES_PER_EMAIL * size):
        assert outbox_send_batch(rows=rows) == size

    assert len(mail.outbox) == size
    assert ClaimToken.objects.count() == size
    assert not OutboxEmail.objects.in_state(OutboxState.PENDING).exists()


def _tokens(text):
    return set(re.findall(r"/claim/([\w-]+)", text))


def _without_token(text):
    return re.sub(r"/claim/[\w-]+", "/claim/TOKEN", text)


def test_an_email_sent_in_a_batch_says_what_one_rendered_alone_says():
    row = claim_email()
    alone = outbox_preview(row=row)

    outbox_send_batch(rows=outbox_claim(limit=10))

    (sent,) = mail.outbox
    html = sent.alternatives[0].content
    assert sent.subject == alone.subject
    assert sent.to == alone.to
    assert _without_token(sent.body) == _without_token(alone.body)
    assert _without_token(html) == _without_token(alone.alternatives[0].content)
    assert len(_tokens(sent.body)) == 1
    assert _tokens(html) == _tokens(sent.body)  # the same token in both parts
    token, problem = claim_token_lookup(_tokens(sent.body).pop())  # minted, committed, usable
    assert problem is None
    assert token.award_id == row.payload["award_id"]
    assert token.expires_at - token.created_at == timedelta(days=settings.CLAIM_LINK_DAYS)
    row.refresh_from_db()
    assert row.subject == sent.subject


def test_an_award_revoked_after_the_batch_read_it_gets_no_email_and_no_token():
    row = claim_email()
    prefetched = prefetch([row])
    award_revoke(award=Award.objects.get(pk=row.payload["award_id"]), reason="Error")

    assert outbox_deliver(row=row, prefetched=prefetched) is True

    row.refresh_from_db()
    assert row.state == OutboxState.SENT  # closed, as a row whose award was revoked before the batch
    assert mail.outbox == []
    assert not ClaimToken.objects.exists()


def test_an_award_readdressed_after_the_batch_read_it_gets_no_email_at_the_old_address():
    row = claim_email()
    prefetched = prefetch([row])
    Award.objects.filter(pk=row.payload["award_id"]).update(recipient_email="someone.else@example.org")

    outbox_deliver(row=row, prefetched=prefetched)

    assert mail.outbox == []
    assert not ClaimToken.objects.exists()


def test_a_row_sent_meanwhile_is_not_sent_again_and_leaves_no_token():
    row = claim_email()
    prefetched = prefetch([row])
    assert outbox_deliver(row=row, prefetched=prefetched) is True

    assert outbox_deliver(row=row, prefetched=prefetched) is False

    assert len(mail.outbox) == 1
    assert ClaimToken.objects.count() == 1  # the second render's token was rolled back


def test_a_row_whose_award_is_gone_is_closed_without_sending():
    row = claim_email()
    Award.objects.filter(pk=row.payload["award_id"]).delete()

    assert outbox_send_batch(rows=outbox_claim(limit=10)) == 1

    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert mail.outbox == []
