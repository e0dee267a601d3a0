"""Every change in an award's life is announced once, by the service that makes it, inside its transaction."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards import signals
from badges.awards.services import (
    award_accept,
    award_claim,
    award_decline,
    award_issue,
    award_revoke,
    awards_expiry_announce,
    claim_token_create,
    email_address_verify,
)
from badges.models import Award
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db


@contextmanager
def heard(signal):
    """The awards `signal` announced while the block ran, in order."""
    awards = []

    def receiver(sender, award, **kwargs):
        awards.append(award)

    signal.connect(receiver)
    try:
        yield awards
    finally:
        signal.disconnect(receiver)


def test_issuing_announces_the_new_award_and_keeps_the_program_earner_id():
    with heard(signals.award_issued) as issued:
        award = award_issue(template=BadgeTemplateFactory(), email="a@example.com", name="Ada", external_id=" C-17 ")

    assert issued == [award]
    assert award.external_id == "C-17"
    assert OutboxEmail.objects.filter(to="a@example.com").count() == 1


def test_issuing_without_email_queues_none():
    award_issue(template=BadgeTemplateFactory(), email="a@example.com", name="Ada", send_email=False)

    assert not OutboxEmail.objects.exists()


def test_an_over_long_earner_id_is_refused_with_a_reason():
    with pytest.raises(ValidationError, match="earner id is longer than 100"):
        award_issue(template=BadgeTemplateFactory(), email="a@example.com", name="Ada", external_id="x" * 101)

    assert not Award.objects.exists()


def test_claiming_with_a_link_announces_the_claim():
    award = AwardFactory()
    claim_token_create(award=award)
    user = UserFactory()

    with heard(signals.award_claimed) as claimed:
        award_claim(token_id=award.claim_tokens.get().pk, user=user)

    assert [a.pk for a in claimed] == [award.pk]
    assert claimed[0].earner == user


def test_verifying_an_address_announces_each_badge_it_collects():
    first, second = AwardFactory(recipient_email="lin@example.com"), AwardFactory(recipient_email="lin@example.com")
    AwardFactory(recipient_email="other@example.com")
    user = UserFactory()

    with heard(signals.award_claimed) as claimed:
        count = email_address_verify(user=user, email="lin@example.com")

    assert count == 2
    assert sorted(a.pk for a in claimed) == sorted([first.pk, second.pk])
    assert all(a.earner == user for a in claimed)
    assert set(Award.objects.filter(earner=user).values_list("pk", flat=True)) == {first.pk, second.pk}


def test_accepting_and_declining_are_announced():
    user = UserFactory()
    to_accept, to_decline = AwardFactory(earner=user), AwardFactory(earner=user)

    with heard(signals.award_held) as held, heard(signals.award_declined) as declined:
        award_accept(award=to_accept)
        award_decline(award=to_decline)

    assert [a.pk for a in held] == [to_accept.pk]
    assert [a.pk for a in declined] == [to_decline.pk]


def test_revoking_is_announced_once_and_a_second_revoke_is_refused():
    award = AcceptedAwardFactory()

    with heard(signals.award_revoked) as revoked:
        award_revoke(award=award, reason="Exam result withdrawn")
        with pytest.raises(ValidationError, match="already revoked"):
            award_revoke(award=Award.objects.get(pk=award.pk), reason="Again")

    assert [a.pk for a in revoked] == [award.pk]
    assert Award.objects.get(pk=award.pk).revocation_reason == "Exam result withdrawn"


def test_expiry_is_announced_once_per_award_after_its_date():
    today = date(2026, 6, 1)
    expired = AcceptedAwardFactory(issued_on=date(2024, 1, 1), expires_on=today - timedelta(days=1))
    AcceptedAwardFactory(issued_on=date(2024, 1, 1), expires_on=today)  # valid through today
    AcceptedAwardFactory(issued_on=date(2024, 1, 1), expires_on=None)
    revoked = AcceptedAwardFactory(issued_on=date(2024, 1, 1), expires_on=today - timedelta(days=3))
    award_revoke(award=revoked, reason="Withdrawn")

    with heard(signals.award_expired) as expired_heard:
        assert awards_expiry_announce(today=today, batch=1) == 1
        assert awards_expiry_announce(today=today) == 0

    assert [a.pk for a in expired_heard] == [expired.pk]
    assert Award.objects.get(pk=expired.pk).expiry_announced_at is not None


def test_the_expiry_sweep_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "badges.awards.tasks.awards_expiry_sweep" in schedule


def test_the_expiry_sweep_task_announces(settings):
    from badges.awards.tasks import awards_expiry_sweep

    award = AcceptedAwardFactory(issued_on=date(2020, 1, 1), expires_on=timezone.localdate() - timedelta(days=2))

    with heard(signals.award_expired) as expired_heard:
        assert awards_expiry_sweep.delay().get() == 1

    assert [a.pk for a in expired_heard] == [award.pk]
