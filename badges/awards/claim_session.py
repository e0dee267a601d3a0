"""The claim in progress, kept in the session between the claim page and the sign-up or sign-in it starts.

Only the token's database id is stored: the raw token never leaves the link. The claim is finished only
where that sign-up or sign-in lands (`claim_finish`, the `next` the claim page gives it), and only for
`CLAIM_SESSION_MINUTES`: a claim left unfinished in a shared browser is not handed to whoever signs in
there later. Signing out flushes the session, and the claim with it.
"""

import time

from django.conf import settings

SESSION_KEY = "badgeportal_claim"


def remember_claim(request, *, token_id, add_address):
    request.session[SESSION_KEY] = {"token_id": token_id, "add_address": add_address, "started_at": time.time()}


def pop_claim(request):
    """The unfinished claim as a dict (`token_id`, `add_address`), or None if there is none or it is stale."""
    claim = request.session.pop(SESSION_KEY, None)
    if claim is None or time.time() - claim["started_at"] > settings.CLAIM_SESSION_MINUTES * 60:
        return None
    return claim
