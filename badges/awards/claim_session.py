"""The claim in progress, kept in the session between the claim page and sign-up or sign-in.

Only the token's database id is stored: the raw token never leaves the link.
"""

SESSION_KEY = "badgeportal_claim_token_id"


def remember_claim_token_id(request, token_id):
    request.session[SESSION_KEY] = token_id


def pop_claim_token_id(request):
    return request.session.pop(SESSION_KEY, None)
