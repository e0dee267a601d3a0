"""Reads behind the transcript and the certificates: what a profile may list, and the badge a certificate is for."""

from django.shortcuts import get_object_or_404

from accounts.models import User

from ..models import Award
from ..public.selectors import CARD_RELATED, PAGE_RELATED, profile_lookup, public_award_or_404


def transcript_awards(person, *, is_owner):
    """The badges a transcript lists: those of the public profile (`badges.public.selectors.profile_awards`),
    less revoked ones, which the issuer no longer stands behind. Expired ones stay, marked: they record what
    the earner achieved. Its owner sees the list visitors will see once the profile is public."""
    awards = Award.objects.for_earner(person).on_profile() if is_owner else Award.objects.publicly_visible()
    awards = awards.filter(earner=person).not_revoked().select_related(*CARD_RELATED)
    return list(awards.order_by("-issued_on", "-created_at"))


def public_person_or_404(key):
    """The earner a transcript address names, only while their profile is public and the account active: the
    PDF is for others to read and check, and its addresses would answer "not found" otherwise."""
    return get_object_or_404(User, profile_public=True, is_active=True, **profile_lookup(key))


def certificate_award_or_404(public_id):
    """The badge a certificate is for: one the public can see (a revoked one too, which gets a page saying so)."""
    return public_award_or_404(public_id, *PAGE_RELATED)
