"""Reads for what anyone may see: public badges and public profiles."""

import uuid

from django.shortcuts import get_object_or_404

from accounts.models import User

from ..models import Award

# What a badge's public page shows: the template with its issuer and what it recognises, and the earner.
PAGE_RELATED = ("template__issuer", "template__certification", "template__exam", "earner")
CARD_RELATED = ("template__issuer", "template__certification", "template__exam")


def public_award_or_404(public_id, *related):
    """A badge anyone may see (`Award.objects.publicly_visible()`), or 404."""
    awards = Award.objects.publicly_visible()
    if related:
        awards = awards.select_related(*related)
    return get_object_or_404(awards, public_id=public_id)


def visible_award_or_404(user, public_id):
    """The award as `user` may see it: public ones for everyone, and the earner's own in any state."""
    awards = Award.objects.publicly_visible()
    if user.is_authenticated:
        awards = awards | Award.objects.for_earner(user)
    return get_object_or_404(awards.select_related(*PAGE_RELATED), public_id=public_id)


def profile_lookup(key):
    """A profile address names a handle, or, in links older than it, the earner's public id."""
    try:
        return {"public_id": uuid.UUID(key)}
    except ValueError:
        return {"handle": key.lower()}


def profile_person_or_404(user, key):
    """The earner a profile address names, if `user` may see them: anyone, while the profile is public and
    the account active; its owner always. 404 otherwise, saying nothing of a private profile's handle."""
    lookup = profile_lookup(key)
    if user.is_authenticated and all(getattr(user, field) == value for field, value in lookup.items()):
        return user
    return get_object_or_404(User, profile_public=True, is_active=True, **lookup)


def profile_awards(person, *, is_owner):
    """The badges a profile lists, newest first. Its owner sees what visitors will see once the profile is
    public, even while it is private."""
    if is_owner:
        awards = Award.objects.for_earner(person).on_profile()
    else:
        awards = Award.objects.publicly_visible().filter(earner=person)
    return list(awards.select_related(*CARD_RELATED).order_by("-issued_on", "-created_at"))
