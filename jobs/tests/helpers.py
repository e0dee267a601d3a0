from accounts.tests.factories import UserFactory
from badges.models import AwardState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory


def accepted_award(**fields):
    return AcceptedAwardFactory(**fields)


def award_in_state(state, **fields):
    user = UserFactory()
    if state == "revoked":
        return AcceptedAwardFactory(
            earner=user, revoked_at="2026-01-01T00:00Z", revocation_reason="Exam fraud", **fields
        )
    return AwardFactory(earner=user, recipient_email=user.email, state=AwardState(state), **fields)
