"""Reads of awards for the people who hold them."""

from django.shortcuts import get_object_or_404

from ..models import Award

# What the owner's pages show of a badge: its template with the issuer and what it recognises.
OWNER_PAGE_RELATED = ("template__issuer", "template__certification", "template__exam")


def own_award_or_404(user, public_id, *, related=OWNER_PAGE_RELATED):
    """The signed-in earner's own award in any state; anyone else, staff included, gets 404."""
    return get_object_or_404(Award.objects.select_related(*related), public_id=public_id, earner=user)


def wallet_awards(user):
    """Every award in the user's wallet, newest first, ready for the wallet cards."""
    return list(
        Award.objects.for_earner(user).select_related(*OWNER_PAGE_RELATED).order_by("-issued_on", "-created_at")
    )
