"""Sharing an accepted, public badge: network links, tracked clicks, emails, embeds."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outbox.registry import templated_email
from outbox.services import outbox_enqueue

from .models import Award, ShareChannel, ShareCount
from .services import normalize_email

# The channels that leave the site through `share_redirect`; email has its own form.
REDIRECT_CHANNELS = (ShareChannel.LINKEDIN_PROFILE, ShareChannel.LINKEDIN, ShareChannel.X, ShareChannel.FACEBOOK)
MAX_EMAIL_RECIPIENTS = 10
MAX_EMAIL_MESSAGE = 1000
EMBED_WIDTH, EMBED_HEIGHT = 340, 330
BUTTON_LABELS = {
    ShareChannel.LINKEDIN_PROFILE: "Add to LinkedIn profile",
    ShareChannel.LINKEDIN: "Post on LinkedIn",
    ShareChannel.X: "Post on X",
    ShareChannel.FACEBOOK: "Share on Facebook",
}


def public_url(award):
    return settings.SITE_URL + reverse("award_public", args=[award.public_id])


def credential_id(award):
    """The id the public page shows and LinkedIn stores; the opaque public id, never the pk."""
    return str(award.public_id)


def linkedin_add_to_profile_url(award):
    """LinkedIn's "Add licence or certification" form, pre-filled."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.template.name,
        "organizationName": award.template.issuer.name,
        "issueYear": award.issued_on.year,
        "issueMonth": award.issued_on.month,
    }
    if award.expires_on:
        params |= {"expirationYear": award.expires_on.year, "expirationMonth": award.expires_on.month}
    params |= {"certUrl": public_url(award), "certId": credential_id(award)}
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def share_text(award):
    return f"I earned the “{award.template.name}” badge from {award.template.issuer.name}."


def network_url(award, channel):
    url = public_url(award)
    if channel == ShareChannel.LINKEDIN_PROFILE:
        return linkedin_add_to_profile_url(award)
    if channel == ShareChannel.LINKEDIN:
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})
    if channel == ShareChannel.X:
        return "https://twitter.com/intent/tweet?" + urlencode({"text": share_text(award), "url": url})
    if channel == ShareChannel.FACEBOOK:
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
    raise ValueError(f"Not a redirect channel: {channel!r}")


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


@transaction.atomic
def award_share_by_email(*, award, recipients, message=""):
    """Queue one email per address; each names the earner and the badge and links its public page."""
    if not award.is_publicly_visible:
        raise ValidationError("Only a public, accepted badge can be shared.", code="not_public")
    message = (message or "").strip()
    if len(message) > MAX_EMAIL_MESSAGE:
        raise ValidationError(f"Keep the message under {MAX_EMAIL_MESSAGE} characters.", code="message_too_long")
    rows = [
        outbox_enqueue(kind="share", to=address, payload={"award_id": award.pk, "message": message})
        for address in recipients
    ]
    share_click_record(award=award, channel=ShareChannel.EMAIL)
    return rows


def render_share_email(row):
    award = (
        Award.objects.publicly_visible().select_related("template__issuer").filter(pk=row.payload["award_id"]).first()
    )
    if award is None:
        return None  # Hidden or deleted since: the link would answer 404.
    return templated_email(
        to=row.to,
        template="badges/email/share",
        context={
            "award": award,
            "template": award.template,
            "issuer": award.template.issuer,
            "earner_name": award.recipient_name,
            "message": row.payload.get("message", ""),
            "public_url": public_url(award),
        },
    )


def og_image_url(award):
    return settings.SITE_URL + reverse("award_og_image", args=[award.public_id])


def oembed_discovery_url(award):
    return settings.SITE_URL + reverse("oembed") + "?" + urlencode({"url": public_url(award), "format": "json"})


def embed_url(award):
    return settings.SITE_URL + reverse("award_embed", args=[award.public_id])


def embed_html(award, *, width=EMBED_WIDTH, height=EMBED_HEIGHT):
    """The snippet people paste into their site: an iframe of the badge card that links to the public page."""
    return render_to_string(
        "badges/_embed_snippet.html",
        {
            "award": award,
            "embed_url": embed_url(award),
            "public_url": public_url(award),
            "width": width,
            "height": height,
        },
    ).strip()


def share_panel_context(award, *, profile_public):
    """What the owner's badge page needs to offer sharing; empty when the badge is not publicly visible."""
    if not (award.is_accepted and award.is_public and profile_public):
        return {"shareable": False}
    return {
        "shareable": True,
        "public_url": public_url(award),
        "credential_id": credential_id(award),
        "share_links": [
            (BUTTON_LABELS[channel], reverse("share_redirect", args=[award.public_id, channel.value]))
            for channel in REDIRECT_CHANNELS
        ],
        "embed_snippet": embed_html(award),
    }
