import html
import re

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


def card_titles(response):
    """The titles of the posting cards a page shows, read from its markup: the Jobs tab's results may come from
    the cache (jobs/tab.py), and then no posting is in the template context."""
    return [html.unescape(title) for title in re.findall(r'<h3 class="job-title">(.*?)(?: <span|</h3>)', response.text)]
