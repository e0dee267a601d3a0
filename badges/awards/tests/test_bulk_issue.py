"""`awards_issue_many`: the bulk path an import and an API batch share."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.tests.factories import UserFactory
from badges.awards.bulk import BATCH_SIZE, award_item_build, awards_issue_many, batch_size_for
from badges.awards.signals import award_issued, awards_issued_in_bulk
from badges.models import Award
from badges.tests.factories import AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db


def items(template, count, prefix="earner", **values):
    return [
        award_item_build(template=template, email=f"{prefix}{n}@example.com", name=f"Earner {n}",
                         issued_on=date(2026, 11, 2), **values)
        for n in range(count)
    ]  # fmt: skip


@pytest.fixture
def heard():
    """What the bulk signal and the per-award signal carried during the test."""
    bulk, single = [], []

    def on_bulk(sender, awards, **kwargs):
        bulk.append(len(awards))

    def on_single(sender, award, **kwargs):
        single.append(award)

    awards_issued_in_bulk.connect(on_bulk)
    award_issued.connect(on_single)
    yield bulk, single
    awards_issued_in_bulk.disconnect(on_bulk)
    award_issued.disconnect(on_single)


def test_it_writes_awards_and_one_claim_email_each_in_a_fixed_number_of_queries(django_assert_num_queries, heard):
    template = BadgeTemplateFactory()
    batch = items(template, 25, external_id="C-1", evidence_url="https://exams.example.org/r/1")

    ContentType.objects.get_for_model(Award)  # cached as in any running process, whatever ran before
    # Per batch of 10: duplicates, verified owners, INSERT awards, INSERT emails (on PostgreSQL two COPYs, and
    # the ids of each reserved first), the issuers' webhook endpoints (`webhooks.receivers`), the batch's audit
    # entries; 3 batches; 2 for the savepoint.
    per_batch = 8 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(3 * per_batch + 2):
        result = awards_issue_many(items=batch, batch_size=10)

    assert result.created == 25
    awards = Award.objects.order_by("pk")
    assert [a.recipient_email for a in awards] == [item.email for item in batch]
    assert {(a.external_id, a.evidence_url) for a in awards} == {("C-1", "https://exams.example.org/r/1")}
    emails = OutboxEmail.objects.all()
    assert sorted(e.payload["award_id"] for e in emails) == sorted(result.created_ids)
    assert heard == ([10, 10, 5], [])


def test_without_email_no_outbox_row_is_written():
    awards_issue_many(items=items(BadgeTemplateFactory(), 3), send_email=False)

    assert Award.objects.count() == 3
    assert not OutboxEmail.objects.exists()


def test_duplicates_are_skipped_by_default_and_allowed_on_request():
    template = BadgeTemplateFactory()
    AwardFactory(template=template, recipient_email="earner0@example.com")
    AwardFactory(template=template, recipient_email="earner1@example.com", revoked_at="2026-01-01T00:00Z",
                 revocation_reason="issued in error")  # fmt: skip
    batch = items(template, 3) + [items(template, 3)[2]]

    skipped = awards_issue_many(items=batch, batch_size=2)
    assert skipped.created == 2  # earner1 (only a revoked one held) and earner2 once
    assert [item.email for item in skipped.skipped] == ["earner0@example.com", "earner2@example.com"]

    allowed = awards_issue_many(items=batch, duplicates="allow")
    assert allowed.created == 4
    assert Award.objects.filter(recipient_email="earner2@example.com").count() == 3


def test_an_address_verified_on_an_account_goes_straight_to_its_wallet():
    owner = UserFactory(email="earner1@example.com")

    awards_issue_many(items=items(BadgeTemplateFactory(), 2))

    assert Award.objects.get(recipient_email="earner1@example.com").earner == owner
    assert Award.objects.get(recipient_email="earner0@example.com").earner is None


def test_one_sweep_is_queued_for_the_whole_transaction(django_capture_on_commit_callbacks):
    batch = items(BadgeTemplateFactory(), 25)

    with django_capture_on_commit_callbacks() as callbacks:
        awards_issue_many(items=batch, batch_size=10)

    assert [callback.func.__self__.name for callback in callbacks] == ["outbox.tasks.outbox_sweep"]


def test_a_failure_leaves_nothing_behind(heard):
    def fail_on_second_batch(sender, awards, **kwargs):
        if len(heard[0]) == 2:
            raise RuntimeError("the disk is full")

    awards_issued_in_bulk.connect(fail_on_second_batch)
    try:
        with pytest.raises(RuntimeError):
            awards_issue_many(items=items(BadgeTemplateFactory(), 25), batch_size=10)
    finally:
        awards_issued_in_bulk.disconnect(fail_on_second_batch)

    assert not Award.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_items_are_checked_with_the_rules_of_a_single_award():
    template = BadgeTemplateFactory(validity_months=24)

    item = award_item_build(template=template, email=" Ana@Example.COM ", name=" Ana ", issued_on=date(2026, 2, 28))
    assert (item.email, item.name, item.expires_on) == ("ana@example.com", "Ana", date(2028, 2, 28))

    with pytest.raises(ValidationError) as caught:
        award_item_build(template=template, email="nope", name="", issued_on=date(2026, 1, 2),
                         expires_on=date(2026, 1, 1))  # fmt: skip
    assert [e.code for e in caught.value.error_list] == ["invalid_email", "name_required", "expires_before_issue"]


def test_values_come_back_as_they_were_written():
    template = BadgeTemplateFactory()
    odd = award_item_build(
        template=template,
        email="o'neil@example.com",
        name='Ana \\N "Zoë" \\ Ruiz',
        issued_on=date(2026, 11, 2),
        external_id="\\t-1",
        evidence_url="https://x.example/a\\b",
    )

    awards_issue_many(items=[odd])

    award = Award.objects.get()
    assert (award.recipient_email, award.recipient_name, award.external_id, award.evidence_url) == (
        "o'neil@example.com", 'Ana \\N "Zoë" \\ Ruiz', "\\t-1", "https://x.example/a\\b")  # fmt: skip
    assert award.public_id and award.recipient_salt and award.created_at and award.is_public
    assert OutboxEmail.objects.get().payload == {"award_id": award.pk}


@pytest.mark.parametrize(
    ("count", "size"),
    [
        (1, BATCH_SIZE),
        (20_000, BATCH_SIZE),
        (40_000, 2 * BATCH_SIZE),
        (100_000, 5 * BATCH_SIZE),
        (10**6, 5 * BATCH_SIZE),
    ],
)
def test_a_large_file_goes_in_about_twenty_batches_of_at_most_five_times_the_usual(count, size):
    assert batch_size_for(count) == size
