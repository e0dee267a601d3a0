"""Reads about what an earner shared: said before a switch makes the links they shared answer "not found"."""

from django.db.models import Count, Q
from django.template.defaultfilters import pluralize

from ..models import Award, ShareChannel

LINKEDIN_CHANNELS = (ShareChannel.LINKEDIN_PROFILE, ShareChannel.LINKEDIN)


def shared_counts(awards):
    """Of `awards`: how many there are, how many the earner shared anywhere, and how many on LinkedIn."""
    return awards.aggregate(
        badges=Count("pk", distinct=True),
        shared=Count("pk", filter=Q(share_counts__isnull=False), distinct=True),
        on_linkedin=Count("pk", filter=Q(share_counts__channel__in=LINKEDIN_CHANNELS), distinct=True),
    )


def _including_linkedin(counts):
    return ", including on LinkedIn," if counts["on_linkedin"] else ""


def badge_going_private_warning(award):
    """What hiding one accepted badge breaks, said next to its switch."""
    counts = shared_counts(Award.objects.filter(pk=award.pk))
    if counts["shared"]:
        return f"Making it private: the link you shared{_including_linkedin(counts)} will answer “not found”."
    return "Making it private: its link will answer “not found”."


def profile_going_private_warning(*, user):
    """What making the profile private breaks, said on the settings page ("" when it hides nothing).
    Registered with `accounts.profile_visibility`."""
    counts = shared_counts(Award.objects.for_earner(user).on_profile())
    badges, shared = counts["badges"], counts["shared"]
    if not badges:
        return ""
    hidden = f"Making your profile private hides your {badges} public badge{pluralize(badges)}."
    if shared:
        links = f"{shared} badge link{pluralize(shared)}"
        lost = f"{links} you shared{_including_linkedin(counts)} will answer “not found”."
    else:
        lost = "Their links will answer “not found”."
    return f"{hidden} {lost}"
