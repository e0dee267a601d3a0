from django.conf import settings
from django.urls import reverse

from outbox.registry import templated_email

from ..models import Award
from ..openbadges.ob2 import image_url
from .services import claim_token_create


def render_claim_email(row):
    award = Award.objects.select_related("template__issuer").filter(pk=row.payload["award_id"]).first()
    if award is None or award.is_revoked or row.to != award.recipient_email:
        # Nothing left to claim, or the badge was sent to another address since: close the row unsent.
        return None
    token = claim_token_create(award=award)
    return templated_email(
        to=row.to,
        template="badges/email/claim",
        context={
            "award": award,
            "template": award.template,
            "issuer": award.template.issuer,
            "image_url": image_url(award.template),
            "claim_url": settings.SITE_URL + reverse("claim", args=[token]),
            "link_days": settings.CLAIM_LINK_DAYS,
        },
    )
