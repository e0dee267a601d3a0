from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from outbox.registry import templated_email

from ..models import Award
from ..openbadges.ob2 import image_url
from .services import claim_token_create, claim_token_mint


def prefetch_claim_awards(rows):
    """The awards of a batch of claim emails in one query, by id, with their template and issuer, and each
    template's image URL worked out once (`render_claim_email`'s `prefetched`)."""
    awards = Award.objects.select_related("template__issuer").in_bulk({row.payload["award_id"] for row in rows})
    templates = {award.template_id: award.template for award in awards.values()}
    for award in awards.values():
        # One template instance per template: the emails of a batch mostly share one.
        award.template = templates[award.template_id]
    return {"awards": awards, "image_urls": {pk: image_url(template) for pk, template in templates.items()}}


def render_claim_email(row, prefetched=None):
    if prefetched is None:
        award = Award.objects.select_related("template__issuer").filter(pk=row.payload["award_id"]).first()
    else:
        award = prefetched["awards"].get(row.payload["award_id"])
    if award is None or award.is_revoked or row.to != award.recipient_email:
        # Nothing left to claim, or the badge was sent to another address since: close the row unsent.
        return None
    if prefetched is None:
        token = claim_token_create(award=award)
        badge_image_url = image_url(award.template)
    else:
        # Read for the whole batch, a while ago: the mint checks again that it is still unrevoked and
        # still addressed to row.to, in this email's transaction.
        token = claim_token_mint(award=award)
        if token is None:
            return None
        badge_image_url = prefetched["image_urls"][award.template_id]
    return templated_email(
        to=row.to,
        template="badges/email/claim",
        context={
            "award": award,
            "template": award.template,
            "issuer": award.template.issuer,
            "image_url": badge_image_url,
            "claim_url": settings.SITE_URL + reverse("claim", args=[token]),
            "link_days": settings.CLAIM_LINK_DAYS,
        },
    )


def _award_for(row):
    award = Award.objects.select_related("template__issuer").filter(pk=row.payload["award_id"]).first()
    if award is None or award.is_anonymised or row.to != award.recipient_email:
        return None  # deleted, or the earner deleted their account, or the address was replaced since
    return award


def long_date(day):
    """ "March 31, 2031": formatted here, so the templates print plain text (`_subject.txt` escapes nothing)."""
    return f"{day:%B} {day.day}, {day.year}" if day else ""


def _award_context(award):
    return {
        "issued_on": long_date(award.issued_on),
        "expires_on": long_date(award.expires_on),
        "revoked_on": long_date(award.revoked_at and timezone.localdate(award.revoked_at)),
        "award": award,
        "template": award.template,
        "issuer": award.template.issuer,
        "image_url": image_url(award.template),
        "badge_url": settings.SITE_URL + reverse("wallet_award", args=[award.public_id]),
        "renewal_url": award.template.renewal_url,
        "help_url": settings.SITE_URL + reverse("help"),
    }


def render_revoked_email(row):
    award = _award_for(row)
    if award is None or not award.is_revoked:
        return None
    return templated_email(to=row.to, template="badges/email/revoked", context=_award_context(award))


def render_renewed_email(row):
    award = _award_for(row)
    # Revoked between the renewal and the send: nothing to announce.
    if award is None or award.is_revoked:
        return None
    return templated_email(to=row.to, template="badges/email/renewed", context=_award_context(award))


def render_expired_email(row):
    award = _award_for(row)
    # Renewed (or revoked) between the sweep and the send: the badge is not expired any more.
    if award is None or award.is_revoked or not award.is_expired:
        return None
    return templated_email(to=row.to, template="badges/email/expired", context=_award_context(award))
