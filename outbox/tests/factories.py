from badges.awards.services import CLAIM_EMAIL
from badges.tests.factories import AwardFactory
from outbox.models import OutboxEmail


def claim_email(**fields):
    """An outbox row for a new award's claim email (the kind most rows are)."""
    award = AwardFactory()
    return OutboxEmail.objects.create(
        kind=CLAIM_EMAIL, to=award.recipient_email, payload={"award_id": award.pk}, **fields
    )
