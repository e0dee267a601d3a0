"""The reminder email, rendered at send time: it checks again that the reminder still makes sense."""

from django.conf import settings
from django.urls import reverse

from outbox.registry import templated_email, unsubscribe_headers

from ..awards.emails import long_date
from ..awards.services import claim_token_create
from ..models import Award, AwardState, ReminderKind
from ..openbadges.ob2 import image_url
from .services import is_opted_out, unsubscribe_token


def _still_due(award, kind, to):
    if award is None or award.is_revoked or award.is_anonymised or to != award.recipient_email:
        return False
    if kind == ReminderKind.EXPIRY:
        return award.is_accepted and not award.is_expired
    return award.state == AwardState.PENDING


def _action_url(award, kind):
    if kind == ReminderKind.EXPIRY:
        return award.template.renewal_url or settings.SITE_URL + reverse("wallet_award", args=[award.public_id])
    if award.earner_id is None:
        # Not collected yet: a fresh claim link (the first one may have expired), minted now as the claim email's.
        return settings.SITE_URL + reverse("claim", args=[claim_token_create(award=award)])
    return settings.SITE_URL + reverse("wallet_award", args=[award.public_id])


def render_reminder_email(row):
    kind = row.payload.get("reminder")
    award = Award.objects.select_related("template__issuer").filter(pk=row.payload["award_id"]).first()
    # Accepted, declined or revoked since the reminder was queued, or the address unsubscribed: close it unsent.
    if not _still_due(award, kind, row.to) or is_opted_out(row.to):
        return None
    unsubscribe_url = settings.SITE_URL + reverse("reminders_unsubscribe", args=[unsubscribe_token(row.to)])
    template = "badges/email/reminder_expiry" if kind == ReminderKind.EXPIRY else "badges/email/reminder_accept"
    return templated_email(
        to=row.to,
        template=template,
        context={
            "award": award,
            "issued_on": long_date(award.issued_on),
            "expires_on": long_date(award.expires_on),
            "template": award.template,
            "issuer": award.template.issuer,
            "image_url": image_url(award.template),
            "action_url": _action_url(award, kind),
            "renewal_url": award.template.renewal_url,
            "collected": award.earner_id is not None,
            "link_days": settings.CLAIM_LINK_DAYS,
            "unsubscribe_url": unsubscribe_url,
        },
        headers=unsubscribe_headers(unsubscribe_url),
    )
