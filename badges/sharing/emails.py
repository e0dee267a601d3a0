from outbox.registry import templated_email

from ..models import Award
from ..openbadges.ob2 import image_url
from .links import public_url


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
            "image_url": image_url(award.template),
            "earner_name": award.recipient_name,
            "message": row.payload.get("message", ""),
            "public_url": public_url(award),
        },
    )
