"""Reads of awards for the people who hold them."""

from django.shortcuts import get_object_or_404

from ..models import Award

# What the owner's pages show of a badge: its template with the issuer and what it recognises.
OWNER_PAGE_RELATED = ("template__issuer", "template__certification", "template__exam")


def own_award_or_404(user, public_id, *, related=OWNER_PAGE_RELATED, only=None):
    """The signed-in earner's own award in any state; anyone else, staff included, gets 404. `only` the fields
    a page reads, when it reads few."""
    awards = Award.objects.select_related(*related)
    return get_object_or_404(awards.only(*only) if only else awards, public_id=public_id, earner=user)


def wallet_awards(user):
    """Every award in the user's wallet, newest first, ready for the wallet cards."""
    return list(
        Award.objects.for_earner(user).select_related(*OWNER_PAGE_RELATED).order_by("-issued_on", "-created_at")
    )


def award_history(award):
    """What the award's admin page shows of its life: emails with their subject and delivery state, claim link
    opens, reminders, shares, page views and the audit trail's state changes (who, when, before and after)."""
    from auditlog.models import LogEntry

    from outbox.models import OutboxEmail

    return {
        "history_emails": list(OutboxEmail.objects.for_award(award.pk).order_by("-created_at")[:50]),
        "history_changes": list(
            LogEntry.objects.get_for_object(award).select_related("actor").order_by("-timestamp")[:50]
        ),
        "history_reminders": list(award.reminders.all()),
        "history_shares": list(award.share_counts.all()),
        "history_page_views": sum(award.page_views.values_list("views", flat=True)),
    }
