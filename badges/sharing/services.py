"""The earner's sharing and privacy actions: counted share clicks, badges sent by email, the visibility switch."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from outbox.models import OutboxEmail
from outbox.services import outbox_enqueue

from ..awards.services import normalize_email
from ..models import ShareChannel, ShareCount
from .rules import sharing_refusal

# The outbox kind of a badge shared by email (its renderer: `badges.sharing.emails.render_share_email`).
SHARE_EMAIL = "share"
MAX_EMAIL_RECIPIENTS = 10
MAX_EMAIL_MESSAGE = 1000


def share_click_record(*, award, channel):
    """Count one share; concurrent clicks never lose a count (F() update, unique row per channel)."""
    now = timezone.now()
    counter = ShareCount.objects.filter(award=award, channel=channel)
    if counter.update(clicks=F("clicks") + 1, last_shared_at=now):
        return
    try:
        with transaction.atomic():
            ShareCount.objects.create(award=award, channel=channel, clicks=1, last_shared_at=now)
    except IntegrityError:
        # Another click created the row between our update and insert.
        counter.update(clicks=F("clicks") + 1, last_shared_at=now)


def parse_recipients(text):
    """Split what the earner typed (commas, semicolons, spaces or new lines) into unique valid addresses."""
    addresses = []
    for part in re.split(r"[\s,;]+", text or ""):
        if not part:
            continue
        address = normalize_email(part)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ValidationError("Enter at least one email address.", code="no_recipients")
    if len(addresses) > MAX_EMAIL_RECIPIENTS:
        raise ValidationError(
            f"Send to at most {MAX_EMAIL_RECIPIENTS} addresses at a time.", code="too_many_recipients"
        )
    return addresses


def _check_daily_limits(earner_id, recipients):
    """Each email carries the earner's free text to an address they typed: cap what one earner sends, and what
    any one address receives from everyone, over the last 24 hours (counted from the outbox rows themselves)."""
    recent = OutboxEmail.objects.filter(kind=SHARE_EMAIL, created_at__gte=timezone.now() - timedelta(days=1))
    per_earner = settings.SHARE_EMAIL_DAILY_LIMIT
    left = per_earner - recent.filter(payload__earner_id=earner_id).count()
    if len(recipients) > left:
        raise ValidationError(
            f"You can send up to {per_earner} badge emails a day; you have {max(left, 0)} left for now.",
            code="daily_limit",
        )
    per_address = settings.SHARE_EMAIL_RECIPIENT_DAILY_LIMIT
    full = recent.filter(to__in=recipients).values("to").annotate(sent=Count("pk")).filter(sent__gte=per_address)
    if full:
        addresses = ", ".join(sorted(row["to"] for row in full))
        raise ValidationError(
            f"We send at most {per_address} shared badges a day to one address, and {addresses} has had them. "
            "Try again tomorrow.",
            code="recipient_daily_limit",
        )


@transaction.atomic
def award_share_by_email(*, award, recipients, message=""):
    """Queue one email per address; each names the earner and the badge and links its public page."""
    if not award.is_publicly_visible:
        raise ValidationError("Only a public, accepted badge can be shared.", code="not_public")
    if refusal := sharing_refusal(award, to_network=False):
        raise ValidationError(refusal, code="not_shareable")
    message = (message or "").strip()
    if len(message) > MAX_EMAIL_MESSAGE:
        raise ValidationError(f"Keep the message under {MAX_EMAIL_MESSAGE} characters.", code="message_too_long")
    _check_daily_limits(award.earner_id, recipients)
    payload = {"award_id": award.pk, "earner_id": award.earner_id, "message": message}
    rows = [outbox_enqueue(kind=SHARE_EMAIL, to=address, payload=payload) for address in recipients]
    share_click_record(award=award, channel=ShareChannel.EMAIL)
    return rows


def award_set_visibility(*, award, is_public):
    """Show or hide an accepted badge; a hidden badge's public URLs answer 404."""
    if not award.is_accepted:
        raise ValidationError("Only an accepted badge can be shown on your profile.", code="not_accepted")
    award.is_public = bool(is_public)
    award.save(update_fields=["is_public", "updated_at"])
    return award
